using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoomFacade.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis room index health check.</summary>
public static class RedisRoomStoreHealthCheckBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the Redis room index (Redis reachable, this server's heartbeat fresh, sweeps recent).
    /// Requires <c>AddRedisStore(...)</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name (default <c>roomfacade-redis</c>).</param>
    /// <param name="failureStatus">The status reported when Redis is unreachable or the heartbeat is stale (default Unhealthy).</param>
    /// <param name="tags">Tags to filter checks by.</param>
    public static IHealthChecksBuilder AddRoomFacadeRedis(this IHealthChecksBuilder builder, string name = "roomfacade-redis", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<RedisRoomStoreHealthCheck>(name, failureStatus ?? HealthStatus.Unhealthy, tags ?? []);
    }
}
