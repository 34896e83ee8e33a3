using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;
using StackExchange.Redis;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// One server's Redis index without a web host: the parts wired by the package's own registration
/// (<c>AddRoomFacade().AddRedisStore(...)</c>), so tests drive the store, the registry, the channel and the
/// maintenance service directly.
/// </summary>
internal sealed class RedisIndexNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private RedisIndexNode(ServiceProvider provider)
    {
        _provider = provider;
        Store = provider.GetRequiredService<RedisRoomMembershipStore>();
        Registry = provider.GetRequiredService<ServerRegistry>();
        Channel = provider.GetRequiredService<ServerChannel>();
        Connection = provider.GetRequiredService<RedisConnection>();
        Maintenance = provider.GetServices<IHostedService>().OfType<RedisStoreMaintenanceService>().Single();
        Status = provider.GetRequiredService<RedisStoreStatus>();
        Runner = provider.GetRequiredService<RedisOperationRunner>();
    }

    public RedisOperationRunner Runner { get; }

    public RedisRoomMembershipStore Store { get; }

    public ServerRegistry Registry { get; }

    public ServerChannel Channel { get; }

    public RedisConnection Connection { get; }

    public RedisStoreMaintenanceService Maintenance { get; }

    public RedisStoreStatus Status { get; }

    public LocalTruth Truth => Store.Truth;

    public string ServerId => Store.ServerId;

    /// <param name="configuration">The index's own connection string, or null to use <paramref name="shared"/>.</param>
    /// <param name="prefix">The key prefix (default: a fresh one).</param>
    /// <param name="configure">Changes to the options.</param>
    /// <param name="shared">The application's multiplexer, used when <paramref name="configuration"/> is null.</param>
    /// <param name="time">The clock of the maintenance service (a <c>FakeTimeProvider</c> in fast tests).</param>
    public static RedisIndexNode Create(string? configuration, string? prefix = null, Action<RedisRoomStoreOptions>? configure = null, IConnectionMultiplexer? shared = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (shared is not null)
        {
            services.AddSingleton(shared);
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddRoomFacade().AddRedisStore(o =>
        {
            o.Configuration = configuration;
            o.KeyPrefix = prefix ?? "t" + Guid.NewGuid().ToString("N")[..12];
            o.OperationTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        // No web host here: keep only the index's own background service (the core's start-up checks need a host).
        foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType != typeof(RedisStoreMaintenanceService)).ToArray())
        {
            services.Remove(hosted);
        }

        return new RedisIndexNode(services.BuildServiceProvider());
    }

    /// <summary>
    /// Heartbeats until one succeeds (subscribed and registered): the first connection of a cold test process, or one
    /// right after a reset, can take longer than a short operation timeout. Bounded by the default test timeout.
    /// </summary>
    public Task BeatUntilAnsweredAsync() => Testing.TaskTimeoutExtensions.WaitUntilAsync(async () =>
    {
        try
        {
            await Maintenance.BeatAsync(CancellationToken.None);
            return true;
        }
        catch (RoomStoreException)
        {
            return false;
        }
    }, because: $"a heartbeat of server {ServerId} succeeds");

    public void Deconstruct(out RedisRoomMembershipStore store, out RedisConnection connection)
    {
        store = Store;
        connection = Connection;
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}
