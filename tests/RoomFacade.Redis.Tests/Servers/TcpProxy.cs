using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// A TCP proxy on 127.0.0.1 standing for the network between a server and Redis. It passes bytes through, holds them
/// (the TCP connections stay open, nothing is delivered, as in a partition the network later heals by delivering
/// late), releases what it held, or resets every connection.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Upstream)> _pairs = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = NewOpenGate();

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>From now on, bytes in both directions are held (buffered), not delivered.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Delivers everything held, in order, and passes bytes through again.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    /// <summary>Resets every open connection (the client sees its socket close) and lets new ones through.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (var (client, upstream) in _pairs)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                upstream.Dispose();
            }

            _pairs.Clear();
            _open.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Reset();
        _stop.Dispose();
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                _pairs.Add((client, upstream));
            }

            _ = PumpAsync(client.GetStream(), upstream.GetStream());
            _ = PumpAsync(upstream.GetStream(), client.GetStream());
        }
    }

    /// <summary>Reads as fast as the sender writes (so its socket stays healthy) and forwards when the gate is open.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var pending = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var forward = ForwardAsync(pending.Reader, to);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                pending.Writer.TryWrite(buffer[..read]);
            }
        }
        catch (Exception)
        {
            // The connection was reset or the proxy stopped.
        }

        pending.Writer.TryComplete();
        await forward;
    }

    private async Task ForwardAsync(ChannelReader<byte[]> pending, NetworkStream to)
    {
        try
        {
            await foreach (var chunk in pending.ReadAllAsync(_stop.Token))
            {
                Task open;
                lock (_lock)
                {
                    open = _open.Task;
                }

                await open.WaitAsync(_stop.Token);
                await to.WriteAsync(chunk, _stop.Token);
            }
        }
        catch (Exception)
        {
            // The connection was reset or the proxy stopped.
        }
    }
}
