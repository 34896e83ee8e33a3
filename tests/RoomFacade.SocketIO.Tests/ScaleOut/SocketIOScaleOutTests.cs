using System.Collections.Concurrent;
using System.Text.Json;
using ChatRooms;
using ChatRooms.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Redis.Tests;
using RoomFacade.Redis.Tests.EndToEnd;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>
/// Socket.IO (WebSocket-only) and SignalR clients of the ChatRooms example on two servers sharing a real redis-server,
/// on the backplane given by the subclass. Servers run with ServerTimeout 3 s, heartbeat 0.5 s and operation timeout
/// 2 s, so every fault bound is a few seconds.
/// </summary>
public abstract class SocketIOScaleOutTests(string backplane) : ChatRoomsOnRedisTestBase(backplane)
{
    // Crash: ServerTimeout (3 s) + sweep interval (0.5 s) + slack for a loaded 2-core machine.
    private static readonly TimeSpan CrashBound = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task SignalR_and_SocketIO_clients_on_two_servers_share_a_room_get_each_broadcast_once_and_are_listed_together()
    {
        var a = await Track(StartServerAsync(FastFaults));
        var b = await Track(StartServerAsync(FastFaults));
        var node = await Track(NodeDriver.StartAsync());
        node.On("ioA", "message");
        node.On("ioB", "message");
        var ioA = (await node.ConnectAsync("ioA", a.BaseUrl, WebSocketOnly)).Str("id");
        var ioB = (await node.ConnectAsync("ioB", b.BaseUrl, WebSocketOnly)).Str("id");
        var sigB = Track(new HubConnectionBuilder().WithUrl(b.BaseUrl + "/chat").Build());
        var signalRTexts = new ConcurrentQueue<string>();
        sigB.On<ChatMessage>("message", m => signalRTexts.Enqueue(m.Text));
        await sigB.StartAsync().DefaultTimeout();
        await sigB.InvokeAsync("Subscribe", "lobby").DefaultTimeout();
        await node.EmitWithAckAsync("ioA", "Subscribe", ["lobby"]);
        await node.EmitWithAckAsync("ioB", "Subscribe", ["lobby"]);

        // clients(room) across servers lists both kinds of client, from either kind of caller.
        string[] members = [ioA, ioB, sigB.ConnectionId!];
        var listed = await node.EmitWithAckAsync("ioA", "GetClients", ["lobby"]);
        SetAssert.Equal(members, listed.GetProperty("result").EnumerateArray().Select(e => e.GetString()!));
        SetAssert.Equal(members, await sigB.InvokeAsync<string[]>("GetClients", "lobby").DefaultTimeout());

        await sigB.InvokeAsync("BroadcastToRoom", "lobby", "from-signalr").DefaultTimeout();      // broadcast.to: not to itself
        await node.EmitWithAckAsync("ioA", "BroadcastToRoom", ["lobby", "from-socketio"]);          // across servers, not to itself
        await a.Rooms.Sockets.In("lobby").EmitAsync("message", new ChatMessage("lobby", "server", "from-server")).DefaultTimeout();

        // Per sending server, order is kept: once each server's marker arrived, any copy of what it sent before has too.
        await a.Rooms.Sockets.In("lobby").EmitAsync("message", new ChatMessage("lobby", "server", "end-a")).DefaultTimeout();
        await b.Rooms.Sockets.In("lobby").EmitAsync("message", new ChatMessage("lobby", "server", "end-b")).DefaultTimeout();
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(new[] { "ioA", "ioB" }.All(name => Received(node, name).Contains("end-a") && Received(node, name).Contains("end-b"))),
            because: "both Socket.IO clients got both markers");

        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(signalRTexts.Contains("end-a") && signalRTexts.Contains("end-b")), because: "the SignalR client got both markers");
        SetAssert.Equal(["from-signalr", "from-server", "end-a", "end-b"], Received(node, "ioA"));
        SetAssert.Equal(["from-signalr", "from-socketio", "from-server", "end-a", "end-b"], Received(node, "ioB"));
        SetAssert.Equal(["from-socketio", "from-server", "end-a", "end-b"], signalRTexts);
        Assert.Equal(4, Received(node, "ioA").Length); // once each: no duplicates
        Assert.Equal(5, Received(node, "ioB").Length);
        Assert.Equal(4, signalRTexts.Count);
    }

    [Fact]
    public async Task A_killed_servers_SocketIO_sockets_leave_every_room_within_the_bound_and_the_client_reconnects_to_the_other_server()
    {
        var a = await Track(StartServerAsync(FastFaults));
        var doomed = await Track(ChatRoomsProcess.StartAsync(ServerArgs(FastFaults)));
        var balancer = new SwitchableTcpProxy(new Uri(doomed.BaseUrl).Port);
        Track(balancer);
        var node = await Track(NodeDriver.StartAsync());
        var first = await node.ConnectAsync("io", balancer.BaseUrl, new { transports = new[] { "websocket" }, reconnection = true, reconnectionDelay = 100, reconnectionDelayMax = 500 });
        var deadId = first.Str("id");
        await node.EmitWithAckAsync("io", "Subscribe", ["lobby"]);
        await node.EmitWithAckAsync("io", "Subscribe", ["doomed"]);
        Assert.Contains(deadId, await a.Rooms.GetMembersAsync("", "lobby").DefaultTimeout());

        balancer.TargetPort = new Uri(a.BaseUrl).Port; // the load balancer now sends new connections to the live server
        await doomed.KillAsync();                       // SIGKILL: no OnDisconnectedAsync, no goodbye

        await TaskTimeoutExtensions.WaitUntilAsync(
            async () =>
            {
                var rooms = await a.Rooms.Manager.GetRoomsAsync().DefaultTimeout();
                return !rooms.ContainsKey("/doomed") && rooms.Values.All(members => !members.Contains(deadId));
            },
            CrashBound,
            "the killed server's socket left every room");

        var again = await node.WaitForAsync(e => e.Ev() == "connect" && e.Name() == "io");
        Assert.NotEqual(deadId, again.Str("id"));
        var clients = await node.EmitWithAckAsync("io", "GetClients", [""]);
        Assert.Equal([again.Str("id")], clients.GetProperty("result").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Redis_down_at_CONNECT_closes_the_transport_and_the_client_retries_until_Redis_is_back()
    {
        var a = await Track(StartServerAsync(FastFaults));
        var node = await Track(NodeDriver.StartAsync());
        await Redis.StopAsync();

        node.Send(new { op = "connect", name = "io", url = a.BaseUrl, opts = new { transports = new[] { "websocket" }, reconnection = true, reconnectionDelay = 200, reconnectionDelayMax = 500 }, forceNew = true });
        var closed = await node.WaitForAsync(e => e.Ev() == "disconnect" && e.Name() == "io");
        Assert.Equal("transport close", closed.Str("reason")); // not a CONNECT_ERROR nor "io server disconnect": it retries
        Assert.True(closed.GetProperty("active").GetBoolean());
        Assert.DoesNotContain(node.Seen, e => e.Ev() is "connect" or "connect_error");

        await Redis.StartProcessAsync();
        var connected = await node.WaitForAsync(e => e.Ev() == "connect" && e.Name() == "io");
        var clients = await node.EmitWithAckAsync("io", "GetClients", [""]);
        Assert.Contains(connected.Str("id"), clients.GetProperty("result").EnumerateArray().Select(e => e.GetString()));
    }

    private static readonly object WebSocketOnly = new { transports = new[] { "websocket" } };

    // Short fault bounds: a crashed server is swept within a few seconds.
    private static readonly string[] FastFaults =
    [
        "--RoomFacade:Redis:ServerTimeout=00:00:03",
        "--RoomFacade:Redis:HeartbeatInterval=00:00:00.500",
        "--RoomFacade:Redis:OperationTimeout=00:00:02",
    ];
}

/// <summary><see cref="SocketIOScaleOutTests"/> on RoomFacade's backplane (<c>AddRedisBackplane()</c>).</summary>
public sealed class SocketIOScaleOutTestsOnRoomFacadeBackplane() : SocketIOScaleOutTests("RoomFacade");

/// <summary><see cref="SocketIOScaleOutTests"/> on SignalR's backplane (<c>AddStackExchangeRedis</c>).</summary>
public sealed class SocketIOScaleOutTestsOnSignalRBackplane() : SocketIOScaleOutTests("SignalR");
