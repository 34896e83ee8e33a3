using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoomFacade.Redis.Tests;

/// <summary>Builds a Redis store directly (no host), with its own key prefix.</summary>
internal static class RedisStoreFactory
{
    /// <param name="configuration">The index's own connection string, or null to use <paramref name="shared"/>.</param>
    /// <param name="prefix">The key prefix (default: a fresh one).</param>
    /// <param name="configure">Changes to the options.</param>
    /// <param name="shared">The application's multiplexer, used when <paramref name="configuration"/> is null.</param>
    public static (RedisRoomMembershipStore Store, RedisConnection Connection) Create(string? configuration, string? prefix = null, Action<RedisRoomStoreOptions>? configure = null, IConnectionMultiplexer? shared = null)
    {
        var options = new RedisRoomStoreOptions
        {
            Configuration = configuration,
            KeyPrefix = prefix ?? "t" + Guid.NewGuid().ToString("N")[..12],
            OperationTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        var connection = new RedisConnection(wrapped, new SingleServiceProvider(shared));
        var store = new RedisRoomMembershipStore(connection, wrapped, NullLogger<RedisRoomMembershipStore>.Instance);
        return (store, connection);
    }

    private sealed class SingleServiceProvider(IConnectionMultiplexer? multiplexer) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IConnectionMultiplexer) ? multiplexer : null;
    }
}
