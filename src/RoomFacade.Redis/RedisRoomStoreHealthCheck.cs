using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;

namespace RoomFacade.Redis;

/// <summary>
/// Health of the Redis room index: Redis answers a PING within <see cref="RedisRoomStoreOptions.OperationTimeout"/>,
/// this server's heartbeat is fresh (younger than half of <see cref="RedisRoomStoreOptions.ServerTimeout"/>; older
/// than the whole timeout means other servers may already sweep it), its last sweep is recent, and this server's
/// channel (and, with RoomFacade's backplane on a cluster, its namespace channels) is subscribed and connected: without
/// it, other servers' requests and messages do not reach this one.
/// Register it with <c>services.AddHealthChecks().AddRoomFacadeRedis()</c>.
/// </summary>
internal sealed class RedisRoomStoreHealthCheck(
    RedisConnection connection,
    RedisRoomMembershipStore store,
    RedisStoreStatus status,
    TimeProvider time,
    IOptions<RedisRoomStoreOptions> options,
    ServerChannel channel,
    Backplane.BackplaneRouter? backplane = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var heartbeatAge = status.LastHeartbeat is { } beat ? now - beat : (TimeSpan?)null;
        var sweepAge = status.LastSweep is { } sweep ? now - sweep : (TimeSpan?)null;
        var data = new Dictionary<string, object>
        {
            ["serverId"] = store.ServerId,
            ["localConnections"] = store.LocalConnectionCount,
            ["heartbeatAgeSeconds"] = heartbeatAge?.TotalSeconds ?? -1,
            ["lastSweepAgeSeconds"] = sweepAge?.TotalSeconds ?? -1,
        };

        TimeSpan ping;
        StackExchange.Redis.IConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await connection.GetAsync().AsTask().WaitAsync(o.OperationTimeout, cancellationToken).ConfigureAwait(false);
            ping = await multiplexer.GetDatabase().PingAsync().WaitAsync(o.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis did not answer a PING within {o.OperationTimeout}: {ex.Message}", ex, data);
        }

        data["pingMilliseconds"] = ping.TotalMilliseconds;
        var subscribed = backplane?.SubscriptionsConnected(multiplexer) ?? channel.IsConnected(multiplexer);
        data["subscribed"] = subscribed;
        if (heartbeatAge is null || heartbeatAge > o.ServerTimeout)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                heartbeatAge is null ? "No heartbeat recorded yet." : $"Last heartbeat {heartbeatAge.Value.TotalSeconds:0.#} s ago, beyond ServerTimeout ({o.ServerTimeout}): other servers may sweep this one.",
                data: data);
        }

        if (!subscribed)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "This server's Redis channel is not subscribed or not connected: other servers' requests and messages do not reach it.", data: data);
        }

        if (heartbeatAge > o.ServerTimeout / 2)
        {
            return HealthCheckResult.Degraded($"Last heartbeat {heartbeatAge.Value.TotalSeconds:0.#} s ago (heartbeat interval {o.EffectiveHeartbeatInterval}).", data: data);
        }

        var sweepBound = o.EffectiveSweepInterval * 3 + o.OperationTimeout;
        if (sweepAge > sweepBound)
        {
            return HealthCheckResult.Degraded($"Last sweep {sweepAge.Value.TotalSeconds:0.#} s ago (sweep interval {o.EffectiveSweepInterval}).", data: data);
        }

        return HealthCheckResult.Healthy("Redis room index reachable, heartbeat fresh.", data);
    }
}
