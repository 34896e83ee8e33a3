using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>The shared store conformance suite, unchanged, against a 3-master Redis Cluster.</summary>
public sealed class RedisClusterConformanceTests(RedisClusterFixture cluster) : RedisStoreConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override string ConnectionString => cluster.ConnectionString;

    [Fact]
    public async Task Namespaces_are_spread_over_the_cluster_and_each_script_stays_in_one_slot()
    {
        var (store, connection) = RedisIndexNode.Create(cluster.ConnectionString);
        await using var _ = connection;
        var namespaces = Enumerable.Range(0, 12).Select(i => $"/ns{i}").ToArray();
        foreach (var ns in namespaces)
        {
            await store.AddConnectionAsync(ns, "c" + ns).DefaultTimeout();
            await store.AddToRoomAsync("c" + ns, "room {x}").DefaultTimeout();
        }

        var multiplexer = await connection.GetAsync();
        var slots = namespaces.Select(ns => multiplexer.HashSlot(store.Keys.For(ns).Rooms)).Distinct().Count();
        Assert.True(slots > 1, "namespaces should hash to different slots");
        foreach (var ns in namespaces)
        {
            var keys = store.Keys.For(ns);
            var slot = multiplexer.HashSlot(keys.Rooms);
            Assert.Equal(slot, multiplexer.HashSlot(keys.Room("room {x}")));
            Assert.Equal(slot, multiplexer.HashSlot(keys.Connection("c" + ns)));
            Assert.Equal(["c" + ns], await store.GetMembersAsync(ns, "room {x}").DefaultTimeout());
        }
    }
}
