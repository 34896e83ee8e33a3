using RoomFacade.Stores;
using RoomFacade.Testing;

namespace RoomFacade.Redis.Tests;

/// <summary>The shared store conformance suite against a Redis store on <see cref="ConnectionString"/>, a fresh key prefix per test.</summary>
public abstract class RedisStoreConformanceTests : RoomMembershipStoreConformanceTests
{
    private RedisConnection? _connection;

    protected abstract string ConnectionString { get; }

    protected override Task<IRoomMembershipStore> CreateStoreAsync()
    {
        var (store, connection) = RedisIndexNode.Create(ConnectionString);
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
