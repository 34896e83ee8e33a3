using System.Net;
using System.Net.Sockets;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>
/// A TCP proxy on 127.0.0.1 standing for a load balancer: new connections go to <see cref="TargetPort"/>, which a test
/// switches to another server when one dies. A connection ends on both sides when either side closes.
/// </summary>
internal sealed class SwitchableTcpProxy : LoopbackTcpServer
{
    private int _targetPort;

    public SwitchableTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        Start();
    }

    public int TargetPort
    {
        get => Volatile.Read(ref _targetPort);
        set => Volatile.Write(ref _targetPort, value);
    }

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, TargetPort, Stopping);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
                var up = CopyAsync(client.GetStream(), upstream.GetStream(), done);
                var down = CopyAsync(upstream.GetStream(), client.GetStream(), done);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The target is down or a side closed: the client sees its connection end.
            }
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationTokenSource done)
    {
        try
        {
            await from.CopyToAsync(to, done.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
