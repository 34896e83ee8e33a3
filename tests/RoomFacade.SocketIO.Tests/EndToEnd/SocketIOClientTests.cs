using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>The official npm socket.io-client 4.8 (in Node) against the RoomFacade endpoint on Kestrel.</summary>
public sealed class SocketIOClientTests
{
    [Fact]
    public async Task Polling_then_upgrade_connects_and_emitWithAck_returns_the_hub_method_result()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var connected = await node.ConnectAsync("a", server.BaseUrl);
        Assert.Equal("connect", connected.Ev());
        Assert.NotEqual(connected.Str("sid"), connected.Str("id"));

        // The session starts on polling; the upgrade may finish before or after the CONNECT round trip (seen both ways
        // on a loaded machine), so the proof of "polling, then upgrade" is the upgrade event itself.
        static bool Upgraded(JsonElement e) => e.Ev() == "upgrade" && e.Str("transport") == "websocket";
        if (!node.Seen.Any(Upgraded))
        {
            await node.WaitForAsync(Upgraded);
        }

        var ack = await node.EmitWithAckAsync("a", "Add", [2, 3]);
        Assert.Equal("ack", ack.Ev());
        Assert.Equal(5, ack.GetProperty("result").GetInt32());

        // Lower-case event names reach the same method (SignalR matches hub methods case-insensitively).
        var lower = await node.EmitWithAckAsync("a", "add", [40, 2]);
        Assert.Equal(42, lower.GetProperty("result").GetInt32());

        var nothing = await node.EmitWithAckAsync("a", "Nothing", []);
        Assert.Equal(JsonValueKind.Null, nothing.GetProperty("result").ValueKind); // void -> ack with no arguments
    }

    [Fact]
    public async Task WebSocket_only_client_gets_its_auth_payload_and_query_in_the_hub()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        node.On("a", "welcome");

        var connected = await node.ConnectAsync("a", server.BaseUrl, new { transports = new[] { "websocket" }, auth = new { token = "t-1" }, query = new { tag = "q-7" } });
        Assert.Equal("connect", connected.Ev());
        Assert.Equal("websocket", connected.Str("transport"));

        var welcome = await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "welcome");
        var payload = welcome.GetProperty("args")[0];
        Assert.Equal(connected.Str("id"), payload.Str("id"));
        Assert.Equal("t-1", payload.GetProperty("auth").Str("token"));
        Assert.Equal("/", payload.Str("ns"));
        Assert.Equal("q-7", payload.Str("query"));
    }

    [Fact]
    public async Task Two_namespaces_share_one_Engine_IO_connection_and_reach_their_own_hubs()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var main = await node.ConnectAsync("main", server.BaseUrl + "/", forceNew: false);
        var other = await node.ConnectAsync("other", server.BaseUrl + "/other", forceNew: false);
        Assert.Equal("connect", other.Ev());
        Assert.Equal(main.Str("sid"), other.Str("sid"));
        Assert.NotEqual(main.Str("id"), other.Str("id"));

        Assert.Equal("other", (await node.EmitWithAckAsync("other", "Where", [])).Str("result"));
        Assert.Equal(7, (await node.EmitWithAckAsync("main", "Add", [3, 4])).GetProperty("result").GetInt32());

        var rooms = server.Rooms;
        Assert.Contains(other.Str("id"), await rooms.GetMembersAsync("/other", "").DefaultTimeout());
        Assert.Contains(main.Str("id"), await rooms.GetMembersAsync("", "").DefaultTimeout());
    }

    [Fact]
    public async Task Unknown_namespace_and_hub_class_Authorize_are_refused_with_connect_error()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var unknown = await node.ConnectAsync("u", server.BaseUrl + "/nope");
        Assert.Equal("connect_error", unknown.Ev());
        Assert.Equal("Invalid namespace", unknown.Str("message"));

        var secret = await node.ConnectAsync("s", server.BaseUrl + "/secret");
        Assert.Equal("connect_error", secret.Ev());
        Assert.Equal("Not authorized", secret.Str("message"));
    }

    [Fact]
    public async Task A_failing_method_acks_an_error_object_and_an_unknown_event_gets_no_ack()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        await node.ConnectAsync("a", server.BaseUrl);

        var failed = await node.EmitWithAckAsync("a", "Fail", []);
        Assert.Equal("ack", failed.Ev());
        Assert.Contains("nope", failed.GetProperty("result").Str("error"), StringComparison.Ordinal);

        var unknown = await node.EmitWithAckAsync("a", "NoSuchMethod", [], timeoutMs: 500);
        Assert.Equal("ack_error", unknown.Ev());

        // The connection survived both.
        Assert.Equal(3, (await node.EmitWithAckAsync("a", "Add", [1, 2])).GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task Server_InvokeAsync_is_answered_by_the_client_ack_callback()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        node.On("a", "question", reply: [42]);
        var connected = await node.ConnectAsync("a", server.BaseUrl, new { transports = new[] { "websocket" } });

        var hub = server.Services.GetRequiredService<IHubContext<MainHub>>();
        var answer = await hub.Clients.Client(connected.Str("id")).InvokeAsync<int>("question", "life?", CancellationToken.None).DefaultTimeout();

        Assert.Equal(42, answer);
        var question = await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "question");
        Assert.Equal("life?", question.GetProperty("args")[0].GetString());
    }

    [Fact]
    public async Task Server_DisconnectAsync_is_io_server_disconnect_and_the_socket_leaves_its_rooms()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        var connected = await node.ConnectAsync("a", server.BaseUrl);
        var id = connected.Str("id");
        await node.EmitWithAckAsync("a", "Join", ["lobby"]);
        Assert.Contains(id, await server.Rooms.GetMembersAsync("", "lobby").DefaultTimeout());

        var socket = await server.Rooms.GetSocketAsync(id).DefaultTimeout();
        await socket.DisconnectAsync().DefaultTimeout();

        var disconnected = await node.WaitForAsync(e => e.Ev() == "disconnect");
        Assert.Equal("io server disconnect", disconnected.Str("reason"));
        Assert.False(disconnected.GetProperty("active").GetBoolean());
        Assert.DoesNotContain(id, await server.Rooms.GetMembersAsync("", "lobby").DefaultTimeout());
    }

    [Fact]
    public async Task Client_disconnect_runs_OnDisconnectedAsync_and_removes_the_socket_from_every_room()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        var connected = await node.ConnectAsync("a", server.BaseUrl, new { transports = new[] { "websocket" } });
        var id = connected.Str("id");
        await node.EmitWithAckAsync("a", "Join", ["lobby"]);

        node.Send(new { op = "disconnect", name = "a" });
        Assert.Equal("io client disconnect", (await node.WaitForAsync(e => e.Ev() == "disconnect")).Str("reason"));
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => !(await server.Rooms.GetMembersAsync("", "").DefaultTimeout()).Contains(id),
            because: "the socket's disconnect reached the hub");
        Assert.Empty(await server.Rooms.GetMembersAsync("", "lobby").DefaultTimeout());
    }

    [Fact]
    public async Task Binary_arguments_and_results_travel_both_ways()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        node.On("a", "bytes");
        await node.ConnectAsync("a", server.BaseUrl);

        var reversed = await node.EmitWithAckAsync("a", "Reverse", [new Dictionary<string, string> { ["$binary"] = Convert.ToBase64String([1, 2, 3]) }]);
        Assert.Equal([3, 2, 1], Convert.FromBase64String(reversed.GetProperty("result").Str("$binary")));

        node.Emit("a", "SendBinary");
        var bytes = await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "bytes");
        var args = bytes.GetProperty("args");
        Assert.Equal("b", args[0].Str("name"));
        Assert.Equal([1, 2, 3], Convert.FromBase64String(args[0].GetProperty("data").Str("$binary")));
        Assert.Equal([4], Convert.FromBase64String(args[1].Str("$binary")));
    }
}
