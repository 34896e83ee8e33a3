using System.Net;
using System.Net.WebSockets;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The origin allow-list: CORS for polling, the Origin header for WebSocket.</summary>
public sealed class OriginTests
{
    private const string Allowed = "http://allowed.test";

    [Fact]
    public async Task An_allowed_origin_gets_CORS_headers_and_a_preflight_answer()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.AllowedOrigins.Add(Allowed));
        using var wire = new EngineWire(server.BaseUrl);

        using var get = new HttpRequestMessage(HttpMethod.Get, wire.Url("EIO=4&transport=polling"));
        get.Headers.Add("Origin", Allowed);
        using var response = await wire.Http.SendAsync(get).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, wire.Url("EIO=4&transport=polling"));
        preflight.Headers.Add("Origin", Allowed);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await wire.Http.SendAsync(preflight).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_origin_is_forbidden_over_polling_and_WebSocket()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.AllowedOrigins.Add(Allowed));
        using var wire = new EngineWire(server.BaseUrl);

        using var get = new HttpRequestMessage(HttpMethod.Get, wire.Url("EIO=4&transport=polling"));
        get.Headers.Add("Origin", "http://evil.test");
        using var response = await wire.Http.SendAsync(get).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"code\":4,\"message\":\"Forbidden\"}", await response.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://evil.test");
        var uri = new Uri(wire.Url("EIO=4&transport=websocket").Replace("http://", "ws://", StringComparison.Ordinal));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None)).DefaultTimeout();

        using var allowed = new ClientWebSocket();
        allowed.Options.SetRequestHeader("Origin", Allowed);
        await allowed.ConnectAsync(uri, CancellationToken.None).DefaultTimeout();
        Assert.StartsWith("0{", await EngineWire.ReceiveAsync(allowed));
    }
}
