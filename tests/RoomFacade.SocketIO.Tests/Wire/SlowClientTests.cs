using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>
/// The bounded outgoing queue (<see cref="SocketIOOptions.MaxBufferedPackets"/>): a client that stops reading is closed,
/// counted and logged, never silently dropped from, and other clients keep receiving everything.
/// </summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_polling_client_that_stops_polling_is_closed_at_the_bound_and_counted_while_another_client_gets_every_message()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.MaxBufferedPackets = 20);
        using var closes = new SlowClientCloses(server);
        using var wire = new EngineWire(server.BaseUrl);
        await using var node = await NodeDriver.StartAsync();
        node.On("fast", "tick");
        await node.ConnectAsync("fast", server.BaseUrl, new { transports = new[] { "polling" } });

        var (sid, _) = await wire.HandshakeAsync();
        (await wire.PostAsync(sid, "40")).Dispose();
        var slowId = ConnectReplySid(await wire.PollUntilAsync(sid, p => p.StartsWith("40", StringComparison.Ordinal)));
        Assert.Contains(slowId, await server.Rooms.GetMembersAsync("", "").DefaultTimeout());

        // The slow client polls no more; 100 broadcasts are 5 times its bound. They go out in bursts of 10, each read
        // by the healthy client before the next (a burst larger than the bound between two polls would close it too).
        var hub = server.Services.GetRequiredService<IHubContext<MainHub>>();
        for (var i = 0; i < 100; i++)
        {
            await hub.Clients.All.SendAsync("tick", i).DefaultTimeout();
            if (i % 10 == 9)
            {
                var last = i;
                await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "tick" && e.GetProperty("args")[0].GetInt32() == last);
            }
        }

        Assert.Equal(Enumerable.Range(0, 100), node.Seen.Where(e => e.Ev() == "event" && e.Str("event") == "tick").Select(e => e.GetProperty("args")[0].GetInt32()));

        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => !(await server.Rooms.GetMembersAsync("", "").DefaultTimeout()).Contains(slowId),
            because: "the slow client's session was closed and its socket left every room");
        using var late = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode); // the sid is forgotten: "Session ID unknown"
        Assert.Contains("\"code\":1", await late.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal(1, closes.Count);
    }

    [Fact]
    public async Task A_WebSocket_client_that_stops_reading_is_closed_at_the_bound_while_a_SignalR_client_gets_every_message()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.MaxBufferedPackets = 20);
        using var closes = new SlowClientCloses(server);
        using var wire = new EngineWire(server.BaseUrl);

        var ticks = 0;
        await using var signalR = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/hub").Build();
        signalR.On<int, string>("tick", (_, _) => Interlocked.Increment(ref ticks));
        await signalR.StartAsync().DefaultTimeout();

        using var slow = await wire.OpenWebSocketAsync("EIO=4&transport=websocket");
        Assert.StartsWith("0", await EngineWire.ReceiveAsync(slow));
        await EngineWire.SendTextAsync(slow, "40");
        string reply;
        while (!(reply = await EngineWire.ReceiveAsync(slow)).StartsWith("40", StringComparison.Ordinal))
        {
        }

        var slowId = ConnectReplySid(reply);

        // From now on the slow client reads nothing: the TCP window fills, then the session's queue.
        var hub = server.Services.GetRequiredService<IHubContext<MainHub>>();
        var payload = new string('x', 64 * 1024);
        var sent = 0;
        for (; sent < 2_000; sent++)
        {
            await hub.Clients.All.SendAsync("tick", sent, payload).DefaultTimeout();
            if (sent % 50 == 49 && !(await server.Rooms.GetMembersAsync("", "").DefaultTimeout()).Contains(slowId))
            {
                break;
            }
        }

        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => !(await server.Rooms.GetMembersAsync("", "").DefaultTimeout()).Contains(slowId),
            because: "the session that stopped reading was closed");
        Assert.Equal(1, closes.Count);
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref ticks) == Math.Min(sent + 1, 2_000)), because: "the SignalR client got every broadcast");
        Assert.Equal(HubConnectionState.Connected, signalR.State);
    }

    private static string ConnectReplySid(string packet) => System.Text.Json.JsonDocument.Parse(packet[2..]).RootElement.GetProperty("sid").GetString()!;

    /// <summary>Reads <c>roomfacade.socketio.slow_client_closes</c> of one server (its own meter factory).</summary>
    private sealed class SlowClientCloses : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public SlowClientCloses(TestServer server)
        {
            var factory = server.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "roomfacade.socketio.slow_client_closes" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
