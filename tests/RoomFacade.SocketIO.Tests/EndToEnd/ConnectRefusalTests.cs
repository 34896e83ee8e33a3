using System.Text.Json;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>A hub or a join authorizer refusing a namespace CONNECT, seen from socket.io-client (<c>connect_error</c>).</summary>
public sealed class ConnectRefusalTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task A_SocketIOConnectRefusedException_in_OnConnectedAsync_is_a_connect_error_with_message_and_data(string transport)
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var refused = await node.ConnectAsync("r", server.BaseUrl + "/refusing", new { transports = new[] { transport }, auth = new { token = "wrong" } });

        Assert.Equal("connect_error", refused.Ev());
        Assert.Equal("not authorized", refused.Str("message"));
        Assert.Equal("bad token", refused.GetProperty("data").Str("reason"));
        Assert.Equal("wrong", refused.GetProperty("data").Str("token"));
        Assert.False(refused.GetProperty("active").GetBoolean()); // a refusal: the client does not retry by itself
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => (await server.Rooms.GetMembersAsync("/refusing", "").DefaultTimeout()).Count == 0,
            because: "a refused socket is not listed in its namespace");

        // The same client with the right token is let in; what OnConnectedAsync sent arrives after the CONNECT reply.
        node.On("ok", "welcome");
        var accepted = await node.ConnectAsync("ok", server.BaseUrl + "/refusing", new { transports = new[] { transport }, auth = new { token = "let-me-in" } });
        Assert.Equal("connect", accepted.Ev());
        var welcome = await node.WaitForAsync(e => e.Ev() == "event" && e.Name() == "ok");
        Assert.Equal("in", welcome.GetProperty("args")[0].GetString());
        Assert.Equal("refusing", (await node.EmitWithAckAsync("ok", "Hello", [])).Str("result"));
    }

    [Fact]
    public async Task A_join_authorizer_reads_the_CONNECT_auth_and_its_refusal_in_OnConnectedAsync_is_a_connect_error()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var refused = await node.ConnectAsync("no", server.BaseUrl + "/vip", new { transports = new[] { "websocket" }, auth = new { pass = "silver" } });
        Assert.Equal("connect_error", refused.Ev());
        Assert.Contains("Joining room 'vip' was refused", refused.Str("message"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("data").ValueKind); // a plain HubException carries no data

        var admitted = await node.ConnectAsync("yes", server.BaseUrl + "/vip", new { transports = new[] { "websocket" }, auth = new { pass = "gold" } });
        Assert.Equal("connect", admitted.Ev());
        Assert.Equal([admitted.Str("id")], await server.Rooms.GetMembersAsync("/vip", "vip").DefaultTimeout());
    }

    [Fact]
    public async Task A_refused_namespace_leaves_the_other_namespaces_of_the_session_connected()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();

        var main = await node.ConnectAsync("main", server.BaseUrl + "/", forceNew: false);
        var refused = await node.ConnectAsync("r", server.BaseUrl + "/refusing", forceNew: false);

        Assert.Equal("connect_error", refused.Ev());
        Assert.Equal(5, (await node.EmitWithAckAsync("main", "Add", [2, 3])).GetProperty("result").GetInt32());
        Assert.DoesNotContain(node.Seen, e => e.Ev() == "disconnect" && e.Name() == "main");
        Assert.Equal("connect", main.Ev());
    }
}
