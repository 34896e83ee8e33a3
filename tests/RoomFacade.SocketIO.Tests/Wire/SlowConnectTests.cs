using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>A hub whose <c>OnConnectedAsync</c> does not end: the CONNECT is bounded by connectTimeout and by MaxBufferedPackets.</summary>
public sealed class SlowConnectTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_CONNECT_whose_OnConnectedAsync_never_ends_closes_the_session_after_connectTimeout(bool anotherNamespaceConnectedFirst)
    {
        await using var server = await StartAsync(o => o.ConnectTimeout = TimeSpan.FromSeconds(2));
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        if (anotherNamespaceConnectedFirst)
        {
            (await wire.PostAsync(sid, "40")).Dispose();
            await wire.PollUntilAsync(sid, p => p.StartsWith("40{", StringComparison.Ordinal));
        }

        (await wire.PostAsync(sid, "40/hanging,")).Dispose();
        var packets = new List<string>();
        await wire.PollUntilAsync(sid, p =>
        {
            packets.Add(p);
            return p == "1";
        });

        Assert.DoesNotContain(packets, p => p.StartsWith("40/hanging,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sends_to_a_socket_still_connecting_beyond_MaxBufferedPackets_close_the_session()
    {
        await using var server = await StartAsync(o =>
        {
            o.MaxBufferedPackets = 5;
            o.ConnectTimeout = TimeSpan.FromMinutes(5);
        });
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40/flooding,")).Dispose();
        var packets = new List<string>();
        await wire.PollUntilAsync(sid, p =>
        {
            packets.Add(p);
            return p == "1";
        });

        Assert.DoesNotContain(packets, p => p.StartsWith("4", StringComparison.Ordinal));
    }

    private static Task<TestServer> StartAsync(Action<SocketIOOptions> configure) => TestServer.StartAsync(args =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSignalR();
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<OtherHub>()
            .AddNamespace<HangingHub>("/hanging")
            .AddNamespace<FloodingHub>("/flooding")
            .AddSocketIO(configure);
        var app = builder.Build();
        app.MapSocketIO("/socket.io");
        return app;
    });

    /// <summary>OnConnectedAsync never ends (until the connection is aborted).</summary>
    public sealed class HangingHub : Hub
    {
        public override Task OnConnectedAsync() => Task.Delay(Timeout.Infinite, Context.ConnectionAborted);
    }

    /// <summary>OnConnectedAsync sends more than MaxBufferedPackets events to its caller, then never ends.</summary>
    public sealed class FloodingHub : Hub
    {
        public override async Task OnConnectedAsync()
        {
            for (var i = 0; i < 20; i++)
            {
                await Clients.Caller.SendAsync("flood", i);
            }

            await Task.Delay(Timeout.Infinite, Context.ConnectionAborted);
        }
    }
}
