using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// The backplane on the 3-master Redis Cluster when the master of a namespace's slot loses its data (restarted empty
/// without a replica): the namespace's server list and protocol list go with the rooms, so no message is routed there
/// until the servers re-publish; their next heartbeat finds their markers gone and writes both lists back.
/// </summary>
public sealed class ClusterBackplaneDataLossTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private readonly string _prefix = "cdl" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task After_the_namespaces_master_loses_its_data_the_next_heartbeats_restore_routing()
    {
        await using var a = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        await using var b = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        await b.Manager.AddToGroupAsync(onB.Id, "room").DefaultTimeout();
        await a.Manager.SendGroupAsync("room", "Hello", [1]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(onB, "Hello", 1);

        await using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString + ",allowAdmin=true").DefaultTimeout();
        var ns = new RedisKeys(_prefix).For(BackplaneNode.PlainHubNamespace);
        var slots = admin.GetServers().First().ClusterConfiguration!;
        var master = admin.GetServer(slots.GetBySlot(admin.HashSlot(ns.Servers))!.EndPoint!);
        await master.FlushAllDatabasesAsync().DefaultTimeout();
        var db = admin.GetDatabase();
        Assert.Empty(await db.SetMembersAsync(ns.Servers).DefaultTimeout());

        // Nothing routes while the lists are gone (the member's room is gone too); the sender is not failed for it.
        await a.Manager.SendGroupAsync("room", "Lost", [2]).DefaultTimeout();

        foreach (var node in new[] { a, b })
        {
            await node.Services.GetServices<IHostedService>().OfType<RedisStoreMaintenanceService>().Single().BeatAsync(CancellationToken.None).DefaultTimeout();
        }

        SetAssert.Equal([a.ServerId, b.ServerId], (await db.SetMembersAsync(ns.Servers).DefaultTimeout()).Select(v => (string)v!));
        SetAssert.Equal(["json"], (await db.SetMembersAsync(ns.Protocols).DefaultTimeout()).Select(v => (string)v!));
        await a.Manager.SendGroupAsync("room", "Hello", [3]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(onB, "Hello", 3);
        await b.Manager.SendConnectionAsync(onA.Id, "Back", [4]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(onA, "Back", 4);
    }
}
