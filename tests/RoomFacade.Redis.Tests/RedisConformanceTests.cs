using RoomFacade.Stores;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>The shared store conformance suite, unchanged, against a real standalone Redis.</summary>
public sealed class RedisConformanceTests(RedisServerFixture redis) : RoomMembershipStoreConformanceTests, IClassFixture<RedisServerFixture>
{
    private RedisConnection? _connection;

    protected override Task<IRoomMembershipStore> CreateStoreAsync()
    {
        var (store, connection) = RedisStoreFactory.Create(redis.Server.ConnectionString);
        _connection = connection;
        return Task.FromResult<IRoomMembershipStore>(store);
    }

    protected override async Task DisposeStoreAsync(IRoomMembershipStore store)
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
