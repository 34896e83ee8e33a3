using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>socket.io-client's own reconnection (default options) against a restarted server.</summary>
public sealed class ReconnectTests
{
    [Theory]
    [InlineData("polling", "websocket")]
    [InlineData("websocket")]
    public async Task After_a_server_restart_on_the_same_port_the_client_reconnects_by_itself_and_works(params string[] transports)
    {
        TestServer? server = await SocketIOTestHost.StartAsync();
        var url = server.BaseUrl;
        await using var node = await NodeDriver.StartAsync();
        try
        {
            // Default reconnection (on, unlimited attempts), with short delays to keep the test quick.
            var first = await node.ConnectAsync("a", url, new { transports, reconnection = true, reconnectionDelay = 100, reconnectionDelayMax = 500 });
            Assert.Equal("connect", first.Ev());
            Assert.Equal(3, (await node.EmitWithAckAsync("a", "Add", [1, 2])).GetProperty("result").GetInt32());

            var stopping = server.DisposeAsync().AsTask();
            server = null;
            await stopping.DefaultTimeout(TimeSpan.FromSeconds(10)); // the endpoint closes its sessions: no wait for the 30 s shutdown timeout
            var lost = await node.WaitForAsync(e => e.Ev() == "disconnect" && e.Name() == "a");
            Assert.True(lost.GetProperty("active").GetBoolean()); // not "io server disconnect": the client will retry
            Assert.NotEqual("io server disconnect", lost.Str("reason"));

            server = await SocketIOTestHost.StartAsync(url: url);
            var again = await node.WaitForAsync(e => e.Ev() == "connect" && e.Name() == "a");
            Assert.NotEqual(first.Str("id"), again.Str("id")); // a new socket on the new server (no state recovery)
            Assert.Equal(7, (await node.EmitWithAckAsync("a", "Add", [3, 4])).GetProperty("result").GetInt32());
            Assert.Contains(again.Str("id"), await server.Rooms.GetMembersAsync("", "").DefaultTimeout());
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
