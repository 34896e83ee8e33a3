using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoomFacade;
using RoomFacade.Redis;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;
using RoomFacade.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces the in-memory room index with the Redis one.</summary>
public static class RedisRoomFacadeBuilderExtensions
{
    /// <summary>
    /// Uses Redis as the room index, shared by every server: compose it with SignalR's own backplane.
    /// <code>
    /// builder.Services.AddSignalR().AddStackExchangeRedis(redis);
    /// builder.Services.AddRoomFacade().AddDefaultNamespace&lt;ChatHub&gt;().AddRedisStore(redis);
    /// </code>
    /// </summary>
    /// <param name="builder">The facade builder from <c>AddRoomFacade()</c>.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</param>
    /// <param name="configure">Further options.</param>
    public static IRoomFacadeBuilder AddRedisStore(this IRoomFacadeBuilder builder, string configuration, Action<RedisRoomStoreOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisStore(o =>
        {
            o.Configuration = configuration;
            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Uses Redis as the room index. With no <see cref="RedisRoomStoreOptions.Configuration"/>, the application's
    /// registered <c>IConnectionMultiplexer</c> is used (and never disposed by the index).
    /// </summary>
    /// <param name="builder">The facade builder from <c>AddRoomFacade()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    public static IRoomFacadeBuilder AddRedisStore(this IRoomFacadeBuilder builder, Action<RedisRoomStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisRoomStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisRoomStoreOptions>, RedisRoomStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisOperationRunner>();
        services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisRoomStoreOptions>>().Value.KeyPrefix));
        services.TryAddSingleton<ServerIdentity>();
        services.TryAddSingleton<ServerChannel>();
        services.TryAddSingleton<IndexScripts>();
        services.TryAddSingleton<IndexSweeper>();
        services.TryAddSingleton<ServerRegistry>();
        services.TryAddSingleton<LocalTruth>();
        services.TryAddSingleton<RedisRoomMembershipStore>();
        services.AddMetrics();
        services.TryAddSingleton<RedisStoreStatus>();
        services.RemoveAll<IRoomMembershipStore>();
        services.AddSingleton<IRoomMembershipStore>(sp => sp.GetRequiredService<RedisRoomMembershipStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisStoreMaintenanceService>());
        return builder;
    }
}
