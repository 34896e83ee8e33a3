using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoomFacade;
using RoomFacade.Redis;
using RoomFacade.Redis.Backplane;
using RoomFacade.Redis.Servers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Uses RoomFacade's own SignalR backplane on the Redis index.</summary>
public static class RedisBackplaneBuilderExtensions
{
    /// <summary>
    /// Replaces SignalR's hub lifetime manager, for every hub of the application, with RoomFacade's Redis backplane: one
    /// subscription per server, a join or leave is the index's one script, local members are written directly and only
    /// the servers holding other members are reached. Call it after <c>AddRedisStore(...)</c>, and do not also call
    /// SignalR's <c>AddStackExchangeRedis</c>; every server of a fleet must use the same backplane. Redis ≥ 7, standalone or
    /// Redis Cluster (detected; sharded pub/sub there, one subscription per server and namespace, a namespace is one slot).
    /// <code>
    /// builder.Services.AddRoomFacade().AddDefaultNamespace&lt;ChatHub&gt;().AddRedisStore(redis).AddRedisBackplane();
    /// </code>
    /// </summary>
    /// <param name="builder">The facade builder, after <c>AddRedisStore(...)</c>.</param>
    /// <param name="configure">Further options.</param>
    public static IRoomFacadeBuilder AddRedisBackplane(this IRoomFacadeBuilder builder, Action<RedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(RoomFacade.Redis.Index.RedisRoomMembershipStore)))
        {
            throw new InvalidOperationException("AddRedisBackplane() needs the Redis room index: call AddRedisStore(...) first.");
        }

        var options = services.AddOptions<RedisBackplaneOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxPendingWritesPerConnection is >= 1 and <= 1_000_000, "RedisBackplaneOptions.MaxPendingWritesPerConnection must be between 1 and 1,000,000.");
        services.TryAddSingleton<BackplaneMetrics>();
        services.TryAddSingleton<BackplaneRouter>();
        services.TryAddSingleton<IServerSetObserver>(sp => sp.GetRequiredService<BackplaneRouter>());
        services.RemoveAll(typeof(HubLifetimeManager<>));
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(RoomFacadeHubLifetimeManager<>));
        return builder;
    }
}
