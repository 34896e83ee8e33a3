using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>
/// Debian's headless Chromium runs the npm client's browser bundle (<c>socket.io-client/dist/socket.io.min.js</c>)
/// from a page served by another Kestrel (another port: another origin) than the Socket.IO endpoint. The page posts
/// what it saw back to its own origin, where the test reads it.
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Socket.IO from another origin</title></head>
        <body>
        <script src="/socket.io.min.js"></script>
        <script>
          const report = (result) => fetch("/result", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) });
          const endpoint = new URLSearchParams(location.search).get("endpoint");
          const socket = io(endpoint, { reconnection: false, timeout: 10000 });
          let first = null, upgrade = null;
          socket.io.on("open", () => {
            first = socket.io.engine.transport.name; // the transport of the handshake (the upgrade may end before "connect")
            upgrade = new Promise((resolve) => socket.io.engine.once("upgrade", (t) => resolve(t.name)));
          });
          socket.on("connect_error", (err) => report({ error: err.message }));
          socket.on("connect", async () => {
            try {
              const upgraded = await upgrade; // the engine's own event, bounded by the test's wait for the result
              const sum = await socket.timeout(10000).emitWithAck("Add", 20, 22);
              report({ first, upgraded, transport: socket.io.engine.transport.name, sum, origin: location.origin });
            } catch (err) {
              report({ error: String(err) });
            }
          });
        </script>
        </body></html>
        """;

    [Fact]
    public async Task The_browser_bundle_from_another_origin_connects_over_polling_upgrades_to_WebSocket_and_gets_an_ack()
    {
        await using var page = await StartPageServerAsync();
        await using var endpoint = await SocketIOTestHost.StartAsync(o => o.AllowedOrigins.Add(page.Server.BaseUrl));

        var result = await RunChromiumAsync(page, endpoint.BaseUrl);

        Assert.False(result.TryGetProperty("error", out var error), $"the page reported an error: {error}");
        Assert.Equal(page.Server.BaseUrl, result.GetProperty("origin").GetString());
        Assert.NotEqual(new Uri(endpoint.BaseUrl).Port, new Uri(page.Server.BaseUrl).Port); // two origins
        Assert.Equal("polling", result.GetProperty("first").GetString());
        Assert.Equal("websocket", result.GetProperty("upgraded").GetString());
        Assert.Equal("websocket", result.GetProperty("transport").GetString());
        Assert.Equal(42, result.GetProperty("sum").GetInt32());
    }

    [Fact]
    public async Task The_browser_refuses_the_endpoint_when_the_page_origin_is_not_allowed()
    {
        await using var page = await StartPageServerAsync();
        await using var endpoint = await SocketIOTestHost.StartAsync(o => o.AllowedOrigins.Add("http://app.example.com"));

        var result = await RunChromiumAsync(page, endpoint.BaseUrl);

        Assert.Equal("xhr poll error", result.GetProperty("error").GetString());

        // The refusal is the endpoint's, not any network failure: from that origin, a handshake gets no CORS header.
        using var http = new HttpClient();
        using var handshake = new HttpRequestMessage(HttpMethod.Get, $"{endpoint.BaseUrl}/socket.io/?EIO=4&transport=polling");
        handshake.Headers.Add("Origin", page.Server.BaseUrl);
        using var response = await http.SendAsync(handshake).DefaultTimeout();
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "a refused origin got a CORS header");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Serves the page, the npm client's browser bundle and the result endpoint on their own port.</summary>
    private static async Task<PageServer> StartPageServerAsync()
    {
        var driverDir = typeof(BrowserTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SocketIODriverDir").Value!;
        var bundle = Path.Combine(driverDir, "node_modules", "socket.io-client", "dist", "socket.io.min.js");
        Assert.True(File.Exists(bundle), $"{bundle} is missing: build the test project (it runs npm ci in {driverDir}).");
        var result = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await TestServer.StartAsync(args =>
        {
            var app = WebApplication.CreateBuilder(args).Build();
            app.MapGet("/", () => Results.Content(Page, "text/html"));
            app.MapGet("/socket.io.min.js", () => Results.File(bundle, "text/javascript"));
            app.MapPost("/result", async (HttpRequest request) =>
            {
                result.TrySetResult((await JsonDocument.ParseAsync(request.Body)).RootElement.Clone());
                return Results.Ok();
            });
            return app;
        });
        return new PageServer(server, result);
    }

    /// <summary>Opens the page in headless Chromium and waits (bounded) for the result it posts; then ends Chromium.</summary>
    private static async Task<JsonElement> RunChromiumAsync(PageServer page, string endpoint)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (`apt-get install -y chromium`; .ci/run does).");
        var profile = Directory.CreateTempSubdirectory("roomfacade-chromium-");
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = false, // not read: a full pipe would block chromium
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", $"--user-data-dir={profile.FullName}", $"{page.Server.BaseUrl}/?endpoint={Uri.EscapeDataString(endpoint)}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stderr = chromium.StandardError.ReadToEndAsync();
        try
        {
            return await page.Result.Task.DefaultTimeout();
        }
        catch (TimeoutException ex)
        {
            chromium.Kill(entireProcessTree: true);
            throw new TimeoutException($"the page posted no result; chromium said: {await stderr.DefaultTimeout()}", ex);
        }
        finally
        {
            if (!chromium.HasExited)
            {
                chromium.Kill(entireProcessTree: true);
            }

            await chromium.WaitForExitAsync().DefaultTimeout();
            profile.Delete(recursive: true);
        }
    }

    private sealed record PageServer(TestServer Server, TaskCompletionSource<JsonElement> Result) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
