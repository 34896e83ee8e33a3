using System.Text.Json;
using System.Text.RegularExpressions;
using ChatRooms;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Redis.Tests;
using RoomFacade.Redis.Tests.EndToEnd;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>
/// Polling <c>socket.io-client</c>s of the ChatRooms example on two servers sharing a real redis-server, behind
/// <see cref="HttpLoadBalancer"/>: without session affinity polling fails with the documented 400; with the servers'
/// affinity cookie (<c>--RoomFacade:SocketIO:Cookie:Name=io</c>) and a balancer routing by it, polling-only and
/// polling-then-upgrade clients work and get room broadcasts sent on the other server.
/// </summary>
public abstract class PollingAffinityTests(string backplane) : ChatRoomsOnRedisTestBase(backplane)
{
    private const string UnknownSession = """{"code":1,"message":"Session ID unknown"}""";

    [Fact]
    public async Task Without_affinity_a_polling_only_client_does_not_stay_connected_and_a_server_answers_400_Session_ID_unknown()
    {
        var a = await Track(StartServerAsync());
        var b = await Track(StartServerAsync());
        var balancer = Track(new HttpLoadBalancer([Port(a), Port(b)], affinityCookie: null));
        var node = await Track(NodeDriver.StartAsync());

        var opts = new { transports = new[] { "polling" }, withCredentials = true, reconnection = true, reconnectionDelay = 50, reconnectionDelayMax = 100 };
        node.Send(new { op = "connect", name = "io", url = balancer.BaseUrl, opts, forceNew = true });
        var failed = await node.WaitForAsync(e => e.Name() == "io" && e.Ev() is "connect" or "connect_error" or "disconnect");
        Assert.Equal("connect_error", failed.Ev());
        Assert.Matches("^xhr (poll|post) error$", failed.Str("message")); // the 400 as the client reports it

        // It retries, and every attempt fails the same way: a request after the handshake reaches the other server.
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(Handshakes(balancer).Count >= 3 && balancer.Exchanges.Count(x => x.Status == 400) >= 3),
            because: "three handshakes and three rejections"); // an exchange is logged once its response ended
        Assert.DoesNotContain(node.Seen, e => e.Ev() == "connect" && e.Name() == "io");
        var handshakes = Handshakes(balancer);
        Assert.All(balancer.Exchanges.Where(x => x.Status == 400), x =>
        {
            Assert.Equal(UnknownSession, x.Body);
            var sid = Regex.Match(x.RequestLine, "[?&]sid=([^& ]+)").Groups[1].Value;
            Assert.NotEqual(handshakes[sid], x.Server); // the server that did not do this session's handshake
        });
    }

    [Fact]
    public async Task With_cookie_affinity_polling_only_and_upgrading_clients_join_a_room_and_get_broadcasts_sent_on_the_other_server()
    {
        string[] cookie = ["--RoomFacade:SocketIO:Cookie:Name=io"];
        var servers = new[] { await Track(StartServerAsync(cookie)), await Track(StartServerAsync(cookie)) };
        var balancer = Track(new HttpLoadBalancer(servers.Select(Port), affinityCookie: "io"));
        var node = await Track(NodeDriver.StartAsync());
        node.On("poll", "message");
        node.On("up", "message");
        var poll = await node.ConnectAsync("poll", balancer.BaseUrl, new { transports = new[] { "polling" }, withCredentials = true });
        var up = await node.ConnectAsync("up", balancer.BaseUrl, new { transports = new[] { "polling", "websocket" }, withCredentials = true });
        Assert.Equal("connect", poll.Ev());
        Assert.Equal("connect", up.Ev());
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(node.Seen.Any(e => e.Ev() == "upgrade" && e.Name() == "up" && e.Str("transport") == "websocket")),
            because: "the polling-then-upgrade client upgraded to WebSocket");
        await node.EmitWithAckAsync("poll", "Subscribe", ["lobby"]);
        await node.EmitWithAckAsync("up", "Subscribe", ["lobby"]);

        // Each client's requests, after the handshake, all carried its cookie and reached the server that set it.
        foreach (var sid in new[] { poll.Str("sid"), up.Str("sid") })
        {
            var home = balancer.ServerOf(sid) ?? throw new InvalidOperationException($"no server set the cookie io={sid}");
            var sent = balancer.Exchanges.Where(x => x.RequestLine.Contains("sid=" + sid, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(sent);
            Assert.All(sent, x => Assert.Equal((home, sid), (x.Server, x.Cookie)));
        }

        Assert.DoesNotContain(balancer.Exchanges, x => x.Status >= 400);

        // A SignalR client on each server broadcasts to the room: every Socket.IO client gets both, so also the one sent
        // on the server that does not hold its session.
        for (var i = 0; i < servers.Length; i++)
        {
            var signalR = Track(new HubConnectionBuilder().WithUrl(servers[i].BaseUrl + "/chat").Build());
            await signalR.StartAsync().DefaultTimeout();
            await signalR.InvokeAsync("BroadcastToRoom", "lobby", "from-server-" + i).DefaultTimeout();
        }

        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(new[] { "poll", "up" }.All(name => Received(node, name).Length == 2)),
            because: "both Socket.IO clients got both broadcasts");
        foreach (var name in new[] { "poll", "up" })
        {
            SetAssert.Equal(["from-server-0", "from-server-1"], Received(node, name));
        }

        node.Send(new { op = "transport", name = "poll" });
        Assert.Equal("polling", (await node.WaitForAsync(e => e.Ev() == "transport" && e.Name() == "poll")).Str("transport"));
        node.Send(new { op = "transport", name = "up" });
        Assert.Equal("websocket", (await node.WaitForAsync(e => e.Ev() == "transport" && e.Name() == "up")).Str("transport"));
    }

    /// <summary>The session id of each handshake the balancer forwarded, with the server that answered it.</summary>
    private static Dictionary<string, int> Handshakes(HttpLoadBalancer balancer)
        => balancer.Exchanges
            .Where(x => x.Status == 200 && x.Body.StartsWith("0{", StringComparison.Ordinal))
            .ToDictionary(x => JsonDocument.Parse(x.Body[1..]).RootElement.Str("sid"), x => x.Server);

    private static int Port(TestServer server) => new Uri(server.BaseUrl).Port;

}

/// <summary><see cref="PollingAffinityTests"/> on RoomFacade's backplane (<c>AddRedisBackplane()</c>).</summary>
public sealed class PollingAffinityTestsOnRoomFacadeBackplane() : PollingAffinityTests("RoomFacade");

/// <summary><see cref="PollingAffinityTests"/> on SignalR's backplane (<c>AddStackExchangeRedis</c>).</summary>
public sealed class PollingAffinityTestsOnSignalRBackplane() : PollingAffinityTests("SignalR");
