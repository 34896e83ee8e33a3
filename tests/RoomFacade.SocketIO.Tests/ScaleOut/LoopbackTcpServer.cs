using System.Net;
using System.Net.Sockets;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>
/// A TCP listener on 127.0.0.1 (a free port) that hands each accepted connection to <see cref="ServeAsync"/> without
/// waiting for it; disposing stops accepting and cancels <see cref="Stopping"/>. The test proxies build on it.
/// </summary>
internal abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Starts listening; called by the subclass once its own state is set.</summary>
    protected void Start()
    {
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Serves one accepted connection (owns it: disposes it when done).</summary>
    protected abstract Task ServeAsync(TcpClient client);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }
}
