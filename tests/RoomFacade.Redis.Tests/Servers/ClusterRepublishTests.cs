using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// Partial data loss on a 3-master Redis Cluster: one master emptied (as when it restarts without persistence and
/// without a replica) while the global slot, on another master, keeps everything.
/// </summary>
public sealed class ClusterRepublishTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task One_master_emptied_is_repaired_by_the_next_heartbeat_of_every_server_that_wrote_there()
    {
        var prefix = "cl" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await NodeAsync(prefix);
        await using var b = await NodeAsync(prefix);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString + ",allowAdmin=true").DefaultTimeout();

        // A namespace whose slot lives on another master than the global slot, so losing it leaves {g} intact.
        var slots = admin.GetServers().First().ClusterConfiguration!;
        System.Net.EndPoint MasterOf(RedisKey key) => slots.GetBySlot(admin.HashSlot(key))!.EndPoint!;
        var globalMaster = MasterOf(a.Store.Keys.Servers);
        var ns = Enumerable.Range(0, 64).Select(i => $"/ns{i}").First(n => !MasterOf(a.Store.Keys.For(n).Rooms).Equals(globalMaster));
        var emptied = admin.GetServer(MasterOf(a.Store.Keys.For(ns).Rooms));

        await b.Store.AddConnectionAsync(ns, "b1").DefaultTimeout();
        await b.Store.AddToRoomAsync("b1", "sport").DefaultTimeout();
        await b.Store.SetConnectionAttributeAsync("b1", "user", "bea").DefaultTimeout();
        await a.Store.AddConnectionAsync(ns, "a1").DefaultTimeout();
        await a.Store.AddToRoomAsync("a1", "sport").DefaultTimeout();

        await emptied.FlushAllDatabasesAsync().DefaultTimeout();
        Assert.Empty(await a.Store.GetMembersAsync(ns, "sport").DefaultTimeout());
        Assert.Equal(2, (await a.Registry.GetServersAsync(CancellationToken.None).DefaultTimeout()).Count);

        await a.Maintenance.BeatAsync(CancellationToken.None).DefaultTimeout();
        await b.Maintenance.BeatAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(["a1", "b1"], (await a.Store.GetMembersAsync(ns, "sport").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal("bea", (await a.Store.GetConnectionAttributesAsync("b1").DefaultTimeout())["user"]);
        Assert.Contains("sport", await b.Store.GetRoomsOfConnectionAsync("a1").DefaultTimeout());
    }

    private async Task<RedisIndexNode> NodeAsync(string prefix)
    {
        var node = RedisIndexNode.Create(cluster.ConnectionString, prefix, o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        await node.BeatUntilAnsweredAsync();
        return node;
    }
}
