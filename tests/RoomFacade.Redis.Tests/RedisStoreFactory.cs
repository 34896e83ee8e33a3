using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RoomFacade.Redis.Tests;

/// <summary>Builds a Redis store directly (no host), with its own key prefix.</summary>
internal static class RedisStoreFactory
{
    public static (RedisRoomMembershipStore Store, RedisConnection Connection) Create(string configuration, string? prefix = null, Action<RedisRoomStoreOptions>? configure = null)
    {
        var options = new RedisRoomStoreOptions
        {
            Configuration = configuration,
            KeyPrefix = prefix ?? "t" + Guid.NewGuid().ToString("N")[..12],
            OperationTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        var connection = new RedisConnection(wrapped, new EmptyServiceProvider());
        var store = new RedisRoomMembershipStore(connection, wrapped, NullLogger<RedisRoomMembershipStore>.Instance);
        return (store, connection);
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
