using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatRooms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Diagnostics;

/// <summary>The RoomFacade meter moves with real traffic; the diagnostics endpoint and /healthz answer in the example.</summary>
public sealed class MetricsAndDiagnosticsTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "RoomFacade" && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, 1, tags));
            _listener.Start();
        }

        public ConcurrentDictionary<string, long> Sums { get; } = new();

        public ConcurrentDictionary<string, long> Last { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        private void Add(string name, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = name;
            foreach (var tag in tags)
            {
                if (tag.Key == "roomfacade.operation")
                {
                    key += ":" + tag.Value;
                }
            }

            Sums.AddOrUpdate(key, value, (_, old) => old + value);
            Last[key] = value;
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Instruments_move_with_joins_leaves_connections_and_index_operations()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        using var recorder = new Recorder(server.Services.GetRequiredService<IMeterFactory>());
        await using var a = await TestChatClient.ConnectAsync(server.BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(server.BaseUrl, "/news");

        await a.InvokeAsync("Subscribe", "r1");
        await a.InvokeAsync("Subscribe", "r1"); // duplicate: not a join
        await a.InvokeAsync("Subscribe", "r2");
        await a.InvokeAsync("Unsubscribe", "r2");

        Assert.Equal(2, recorder.Sums["roomfacade.joins"]);
        Assert.Equal(1, recorder.Sums["roomfacade.leaves"]);
        Assert.Equal(2, recorder.Sums["roomfacade.connections"]);
        Assert.True(recorder.Sums["roomfacade.store.operation.duration:join"] >= 2);
        Assert.True(recorder.Sums["roomfacade.store.operation.duration:membership"] >= 3);
        Assert.True(recorder.Sums["roomfacade.store.operation.duration:connect"] >= 2);
        recorder.Observe();
        Assert.Equal(3, recorder.Last["roomfacade.rooms"]);        // "" of /, "" of /news, r1
        Assert.Equal(3, recorder.Last["roomfacade.memberships"]);  // a in "" and r1, b in ""

        var bId = b.Id;
        await b.StopAsync();
        // The counter drops when the disconnect starts; the index clean-up follows: wait for both.
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => recorder.Sums["roomfacade.connections"] == 1 && !(await server.Rooms.Manager.GetRoomsAsync()).ContainsKey("/news"),
            because: "the disconnect is counted and the index cleaned up");
        recorder.Observe();
        Assert.Equal(2, recorder.Last["roomfacade.rooms"]);
        Assert.DoesNotContain("/news", (await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout()).Keys);
        await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.GetRoomsOfAsync(bId).DefaultTimeout());
    }

    [Fact]
    public async Task Diagnostics_endpoint_describes_namespaces_rooms_and_connections_and_healthz_answers()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        await using var a = await TestChatClient.ConnectAsync(server.BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(server.BaseUrl, "/news");
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "sports & games");
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        var overview = await http.GetFromJsonAsync<JsonElement>("/roomfacade").DefaultTimeout();
        var namespaces = overview.GetProperty("namespaces").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);
        Assert.Equal(["", "/news"], namespaces.Keys.Order());
        Assert.Equal(1, namespaces[""].GetProperty("connections").GetInt32());
        Assert.Equal("lobby", namespaces[""].GetProperty("rooms")[0].GetProperty("name").GetString());
        Assert.Equal(1, namespaces["/news"].GetProperty("rooms")[0].GetProperty("members").GetInt32());
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("servers").ValueKind);

        var room = await http.GetFromJsonAsync<JsonElement>("/roomfacade/room?namespace=/news&room=" + Uri.EscapeDataString("sports & games")).DefaultTimeout();
        Assert.Equal([b.Id], room.GetProperty("members").EnumerateArray().Select(e => e.GetString()));

        var connection = await http.GetFromJsonAsync<JsonElement>("/roomfacade/connection/" + Uri.EscapeDataString(a.Id)).DefaultTimeout();
        Assert.Equal(["", "lobby"], connection.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/roomfacade/connection/nobody").DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/roomfacade/room?namespace=/nope&room=x").DefaultTimeout()).StatusCode);
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz").DefaultTimeout());
    }

    [Fact]
    public async Task Diagnostics_endpoint_refuses_requests_that_fail_its_policy()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args, builder =>
            builder.Services.PostConfigure<AuthorizationOptions>(o => o.AddPolicy(ChatRoomsApp.DiagnosticsPolicy, p => p.RequireAssertion(_ => false)))));
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/roomfacade").DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/roomfacade/connection/x").DefaultTimeout()).StatusCode);
    }
}
