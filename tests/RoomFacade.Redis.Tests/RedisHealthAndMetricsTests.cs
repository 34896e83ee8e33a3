using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoomFacade.Redis.Tests.EndToEnd;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>The Redis health check and sweep metrics, with real servers and a real Redis.</summary>
public sealed class RedisHealthAndMetricsTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static async Task<HealthReport> CheckAsync(TestServer server)
        => await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().DefaultTimeout();

    [Fact]
    public async Task Healthz_is_healthy_with_Redis_and_unhealthy_without_it()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(_redis, 1);
        using var http = new HttpClient { BaseAddress = new Uri(cluster[0].BaseUrl) };
        await TaskTimeoutExtensions.WaitUntilAsync(async () => (await CheckAsync(cluster[0])).Status == HealthStatus.Healthy, because: "heartbeat and first sweep recorded");
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz").DefaultTimeout());
        var entry = (await CheckAsync(cluster[0])).Entries["roomfacade-redis"];
        Assert.True((double)entry.Data["heartbeatAgeSeconds"] < 3);

        var overview = await http.GetFromJsonAsync<JsonElement>("/roomfacade").DefaultTimeout();
        Assert.Single(overview.GetProperty("servers").EnumerateArray());

        await _redis.StopAsync();
        var down = await http.GetAsync("/healthz").DefaultTimeout();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Contains("PING", (await CheckAsync(cluster[0])).Entries["roomfacade-redis"].Description);

        await _redis.StartProcessAsync();
        await TaskTimeoutExtensions.WaitUntilAsync(async () => (await CheckAsync(cluster[0])).Status == HealthStatus.Healthy, because: "healthy again after Redis returns");
    }

    [Fact]
    public async Task Healthz_is_unhealthy_while_this_servers_channel_is_not_subscribed_and_the_next_heartbeat_subscribes_it_again()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(_redis, 1);
        await TaskTimeoutExtensions.WaitUntilAsync(async () => (await CheckAsync(cluster[0])).Status == HealthStatus.Healthy, because: "heartbeat and first sweep recorded");
        Assert.Equal(true, (await CheckAsync(cluster[0])).Entries["roomfacade-redis"].Data["subscribed"]);

        // Without its channel a server gets no requests or messages from the others, though Redis answers PING.
        await cluster[0].Services.GetRequiredService<RoomFacade.Redis.Servers.ServerChannel>().UnsubscribeAsync().DefaultTimeout();
        var entry = (await CheckAsync(cluster[0])).Entries["roomfacade-redis"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(false, entry.Data["subscribed"]);
        Assert.Contains("channel is not subscribed", entry.Description, StringComparison.Ordinal);

        await TaskTimeoutExtensions.WaitUntilAsync(async () => (await CheckAsync(cluster[0])).Status == HealthStatus.Healthy, because: "the next heartbeat subscribes the channel again");
    }

    [Fact]
    public async Task Sweeps_and_swept_connections_are_counted()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(_redis, 1);
        var scope = cluster[0].Services.GetRequiredService<IMeterFactory>();
        long sweeps = 0, swept = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "RoomFacade.Redis" && ReferenceEquals(i.Meter.Scope, scope))
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            if (i.Name == "roomfacade.redis.sweeps")
            {
                Interlocked.Add(ref sweeps, v);
            }
            else if (i.Name == "roomfacade.redis.swept_connections")
            {
                Interlocked.Add(ref swept, v);
            }
        });
        listener.Start();

        await using (var doomed = await ChatRoomsProcess.StartAsync(ScaleOutCluster.ServerArgs(_redis, cluster.KeyPrefix)))
        {
            await using var x = await TestChatClient.ConnectAsync(doomed.BaseUrl);
            await using var y = await TestChatClient.ConnectAsync(doomed.BaseUrl, "/news");
            await x.InvokeAsync("Subscribe", "room");
            await doomed.KillAsync();
        }

        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref swept) >= 2), TimeSpan.FromSeconds(15), "the dead server's two connections are swept and counted");
        Assert.Equal(1, Interlocked.Read(ref sweeps));
        Assert.Equal(2, Interlocked.Read(ref swept));
    }
}
