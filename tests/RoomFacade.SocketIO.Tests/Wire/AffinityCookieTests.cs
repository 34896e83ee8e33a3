using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The affinity cookie (Engine.IO's <c>cookie</c> option) on the handshake response.</summary>
public sealed class AffinityCookieTests
{
    [Fact]
    public async Task No_cookie_by_default()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);

        using var response = await wire.Http.GetAsync(wire.Url("EIO=4&transport=polling")).DefaultTimeout();

        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_default_cookie_holds_the_sid_like_the_reference_server_and_only_the_handshake_sets_it()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.Cookie = new SocketIOCookieOptions());
        using var wire = new EngineWire(server.BaseUrl);

        using var response = await wire.Http.GetAsync(wire.Url("EIO=4&transport=polling")).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();
        var sid = System.Text.Json.JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString();

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var parts = cookie.Split("; ");
        Assert.Equal($"io={sid}", parts[0]);
        Assert.Equal(["httponly", "path=/", "samesite=lax"], parts[1..].Select(p => p.ToLowerInvariant()).Order());

        using var poll = await wire.Http.PostAsync(wire.Url($"EIO=4&transport=polling&sid={sid}"), new StringContent("40")).DefaultTimeout();
        Assert.False(poll.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_configured_cookie_is_set_on_a_WebSocket_handshake_too()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.Cookie = new SocketIOCookieOptions
        {
            Name = "lb",
            Path = "/socket.io",
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
        });
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(new Uri(server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/socket.io/?EIO=4&transport=websocket"), CancellationToken.None).DefaultTimeout();
        var open = await EngineWire.ReceiveAsync(socket);
        var sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();

        var cookie = Assert.Single(socket.HttpResponseHeaders!["Set-Cookie"]);
        var parts = cookie.Split("; ");
        Assert.Equal($"lb={sid}", parts[0]);
        Assert.Equal(["path=/socket.io", "samesite=strict"], parts[1..].Select(p => p.ToLowerInvariant()).Order());
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).DefaultTimeout();
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("a b", "/")]
    [InlineData("io", "relative")]
    public async Task An_invalid_cookie_stops_the_host_at_start_up(string name, string path)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => SocketIOTestHost.StartAsync(o => o.Cookie = new SocketIOCookieOptions { Name = name, Path = path }));
        Assert.Contains("SocketIOOptions.Cookie.", error.Message, StringComparison.Ordinal);
    }
}
