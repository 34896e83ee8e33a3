using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.SocketIO.Engine;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>Engine.IO v4 rules checked on the wire with HttpClient and ClientWebSocket.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class EngineIOWireTests
{
    [Fact]
    public async Task Polling_handshake_is_an_open_packet_with_exactly_the_five_reference_keys()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);

        using var response = await wire.Http.GetAsync(wire.Url("EIO=4&transport=polling")).DefaultTimeout();
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.StartsWith("0{", body);
        var open = JsonDocument.Parse(body[1..]).RootElement;
        Assert.Equal(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"], open.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(20, open.GetProperty("sid").GetString()!.Length);
        Assert.Equal(["websocket"], open.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(25000, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(20000, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1000000, open.GetProperty("maxPayload").GetInt32());
    }

    [Fact]
    public async Task WebSocket_handshake_offers_no_upgrade()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        using var socket = await wire.OpenWebSocketAsync("EIO=4&transport=websocket");

        var open = await EngineWire.ReceiveAsync(socket);
        Assert.StartsWith("0{", open);
        Assert.Equal(0, JsonDocument.Parse(open[1..]).RootElement.GetProperty("upgrades").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "transport=polling", 5, "Unsupported protocol version")]
    [InlineData("GET", "EIO=3&transport=polling", 5, "Unsupported protocol version")]
    [InlineData("GET", "EIO=4&transport=foo", 0, "Transport unknown")]
    [InlineData("GET", "EIO=4&transport=polling&sid=nosuchsession0000000", 1, "Session ID unknown")]
    [InlineData("POST", "EIO=4&transport=polling", 2, "Bad handshake method")]
    [InlineData("GET", "EIO=4&transport=websocket", 3, "Bad request")]
    public async Task Invalid_requests_get_the_reference_error_json(string method, string query, int code, string message)
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);

        using var response = await wire.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), wire.Url(query))).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{{\"code\":{code},\"message\":\"{message}\"}}", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Server_pings_over_polling_and_closes_when_no_pong_comes_within_pingTimeout()
    {
        await using var server = await SocketIOTestHost.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        Assert.Equal("2", await wire.PollAsync(sid));
        using (var pong = await wire.PostAsync(sid, "3"))
        {
            Assert.Equal("ok", await pong.Content.ReadAsStringAsync());
        }

        Assert.Equal("2", await wire.PollAsync(sid)); // the heartbeat goes on after a pong

        // No pong this time: the pending GET ends with a noop when the session closes, later requests get "unknown sid".
        Assert.Equal("6", await wire.PollAsync(sid));
        using var after = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
        Assert.Contains("\"code\":1", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_after_pingTimeout_since_an_unanswered_ping_gets_unknown_sid_even_when_the_timer_is_late()
    {
        // The clock says pingTimeout has passed since the ping while the heartbeat's timeout timer (20 s of real time)
        // has not fired, as on a busy machine: the session is over all the same.
        var clock = new SkewedClock();
        await using var server = await StartOnClockAsync(clock, pingInterval: TimeSpan.FromMilliseconds(500));
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        Assert.Equal("2", await wire.PollAsync(sid));

        clock.Skew = TimeSpan.FromSeconds(19); // not yet: the session goes on
        using (var noop = await wire.PostAsync(sid, "6"))
        {
            Assert.Equal(HttpStatusCode.OK, noop.StatusCode);
        }

        clock.Skew = TimeSpan.FromSeconds(21);
        using var late = await wire.PostAsync(sid, "6");
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("\"code\":1", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(server.Services.GetRequiredService<EngineIOServer>().Find(sid));
    }

    [Fact]
    public async Task A_ping_sent_late_or_answered_leaves_the_session_open_whatever_the_clock_says()
    {
        // The clock jumps past pingInterval + pingTimeout before the ping goes out (a late timer): no ping was
        // unanswered for pingTimeout, so the client's next requests and its pong are served; after the pong, too.
        var clock = new SkewedClock();
        await using var server = await StartOnClockAsync(clock, pingInterval: TimeSpan.FromSeconds(1));
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        clock.Skew = TimeSpan.FromSeconds(30);

        Assert.Equal("2", await wire.PollAsync(sid));
        using (var pong = await wire.PostAsync(sid, "3"))
        {
            Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
        }

        clock.Skew = TimeSpan.FromSeconds(60);
        using var noop = await wire.PostAsync(sid, "6");
        Assert.Equal(HttpStatusCode.OK, noop.StatusCode);
        Assert.NotNull(server.Services.GetRequiredService<EngineIOServer>().Find(sid));
    }

    [Fact]
    public async Task A_second_concurrent_GET_gets_400_and_the_first_receives_a_close_packet()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        var engine = server.Services.GetRequiredService<EngineIOServer>();

        var first = wire.PollAsync(sid);
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(engine.Find(sid)?.HasPendingPoll == true), because: "the first GET is pending");
        using var second = await wire.GetAsync(sid);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("1", await first.DefaultTimeout());
        Assert.Null(engine.Find(sid));
    }

    [Fact]
    public async Task A_GET_cancelled_by_the_client_closes_the_connection()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        var engine = server.Services.GetRequiredService<EngineIOServer>();

        using var cancel = new CancellationTokenSource();
        var poll = wire.Http.GetAsync(wire.Url($"EIO=4&transport=polling&sid={sid}"), cancel.Token);
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(engine.Find(sid)?.HasPendingPoll == true), because: "the GET is pending");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll).DefaultTimeout();

        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(engine.Find(sid) is null), because: "the cancelled poll closed the session");
        using var after = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    [Fact]
    public async Task Upgrade_probe_noop_and_upgrade_move_the_session_to_WebSocket()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        var engine = server.Services.GetRequiredService<EngineIOServer>();
        (await wire.PostAsync(sid, "40")).Dispose();
        await wire.PollUntilAsync(sid, p => p.StartsWith("42[\"welcome\"", StringComparison.Ordinal));

        var pending = wire.PollAsync(sid);
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(engine.Find(sid)?.HasPendingPoll == true), because: "a GET is pending during the upgrade");
        using var socket = await wire.OpenWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await EngineWire.SendTextAsync(socket, "2probe");
        Assert.Equal("3probe", await EngineWire.ReceiveAsync(socket));
        Assert.Equal("6", await pending.DefaultTimeout()); // the pending GET is released with a noop
        await EngineWire.SendTextAsync(socket, "5");
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(engine.Find(sid)?.Transport == EngineTransport.WebSocket), because: "the upgrade completed");

        using (var post = await wire.PostAsync(sid, "3"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode); // polling is over for this sid
        }

        await EngineWire.SendTextAsync(socket, "421[\"Add\",1,1]");
        Assert.Equal("431[2]", await EngineWire.ReceiveAsync(socket));

        // A second WebSocket for the upgraded sid is closed at once; the first one keeps working.
        using var again = await wire.OpenWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        Assert.Equal("close:" + WebSocketCloseStatus.PolicyViolation, await EngineWire.ReceiveAsync(again));
        await EngineWire.SendTextAsync(socket, "422[\"Add\",2,2]");
        Assert.Equal("432[4]", await EngineWire.ReceiveAsync(socket));
    }

    [Fact]
    public async Task A_POST_of_maxPayload_bytes_is_accepted_and_one_byte_more_gets_413_and_closes()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.MaxPayload = 100);
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        var exactly = "6x" + string.Concat(Enumerable.Repeat("\u001e6", 49)); // 100 bytes of noops
        using (var ok = await wire.PostAsync(sid, exactly))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var tooLarge = await wire.PostAsync(sid, exactly + "6"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        }

        Assert.Equal("1", await wire.PollAsync(sid)); // the close packet waits for the next GET
        using var after = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    [Fact]
    public async Task A_WebSocket_message_over_maxPayload_closes_with_message_too_big()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.MaxPayload = 100);
        using var wire = new EngineWire(server.BaseUrl);
        using var socket = await wire.OpenWebSocketAsync("EIO=4&transport=websocket");
        await EngineWire.ReceiveAsync(socket); // open

        await EngineWire.SendTextAsync(socket, "4" + new string('a', 100));
        Assert.Equal("close:" + WebSocketCloseStatus.MessageTooBig, await EngineWire.ReceiveAsync(socket));
    }

    /// <summary>A server on <paramref name="clock"/> with a pingTimeout of 20 s, longer than any of these tests waits.</summary>
    private static Task<Testing.EndToEnd.TestServer> StartOnClockAsync(SkewedClock clock, TimeSpan pingInterval)
        => SocketIOTestHost.StartAsync(
            o =>
            {
                o.PingInterval = pingInterval;
                o.PingTimeout = TimeSpan.FromSeconds(20);
            },
            services: s => s.AddSingleton<TimeProvider>(clock));

    /// <summary>The system clock moved forward by <see cref="Skew"/>; its timers are the system's, so they do not fire early.</summary>
    private sealed class SkewedClock : TimeProvider
    {
        public TimeSpan Skew { get; set; }

        public override long GetTimestamp() => base.GetTimestamp() + (long)(Skew.TotalSeconds * TimestampFrequency);
    }
}
