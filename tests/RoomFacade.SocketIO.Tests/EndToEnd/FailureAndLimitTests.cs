using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>Failed connects, message limits and the polling-only transport, seen from socket.io-client.</summary>
public sealed class FailureAndLimitTests
{
    [Fact]
    public async Task A_hub_whose_OnConnectedAsync_throws_closes_the_transport_so_the_client_retries()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        node.Send(new { op = "connect", name = "f", url = server.BaseUrl + "/failing", opts = new { transports = new[] { "websocket" }, reconnection = true, reconnectionDelay = 50, reconnectionDelayMax = 100 }, forceNew = true });
        var disconnected = await node.WaitForAsync(e => e.Ev() == "disconnect" && e.Name() == "f");

        // Not "io server disconnect" nor a CONNECT_ERROR (which would stop the client from reconnecting), and no
        // CONNECT reply first: the namespace was never connected.
        Assert.Equal("transport close", disconnected.Str("reason"));
        Assert.True(disconnected.GetProperty("active").GetBoolean());
        await node.WaitForAsync(e => e.Ev() == "disconnect" && e.Name() == "f"); // the client retried
        Assert.DoesNotContain(node.Seen, e => e.Ev() is "connect" or "connect_error");
    }

    [Fact]
    public async Task An_event_over_the_hub_MaximumReceiveMessageSize_closes_the_connection_and_one_under_it_is_accepted()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        await node.ConnectAsync("a", server.BaseUrl, new { transports = new[] { "websocket" } });

        var under = await node.EmitWithAckAsync("a", "Length", [new string('x', 30_000)]);
        Assert.Equal(30_000, under.GetProperty("result").GetInt32());

        node.Emit("a", "Length", new string('x', 40_000)); // SignalR's default limit is 32 KB
        var disconnected = await node.WaitForAsync(e => e.Ev() == "disconnect");
        Assert.Equal("transport close", disconnected.Str("reason"));
    }

    [Fact]
    public async Task A_polling_only_client_connects_acks_and_receives_server_events()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        node.On("a", "welcome");

        var connected = await node.ConnectAsync("a", server.BaseUrl, new { transports = new[] { "polling" } });
        Assert.Equal("polling", connected.Str("transport"));
        await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "welcome");
        Assert.Equal(9, (await node.EmitWithAckAsync("a", "Add", [4, 5])).GetProperty("result").GetInt32());
        node.Send(new { op = "transport", name = "a" });
        Assert.Equal("polling", (await node.WaitForAsync(e => e.Ev() == "transport")).Str("transport"));
    }
}
