using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// On the 3-master Redis Cluster the backplane keeps, in each namespace's slot, the namespace's server list and the
/// sequence numbers per (sender → receiver): a server that is swept, or shuts down, leaves both.
/// </summary>
public sealed class ClusterBackplaneCleanupTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private readonly string _prefix = "cbc" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_swept_server_leaves_the_namespaces_server_list_and_its_sequence_numbers_there()
    {
        await using var a = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        await using var b = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        var (db, ns, admin) = await ExchangeAsync(a, b);
        await using var _ = admin;

        // b stops beating (as a crashed server does): a's sweep removes it everywhere.
        await db.SortedSetAddAsync(new RedisKeys(_prefix).Servers, b.ServerId, 0).DefaultTimeout();
        var maintenance = a.Services.GetServices<IHostedService>().OfType<RedisStoreMaintenanceService>().Single();
        await maintenance.SweepAsync(CancellationToken.None).DefaultTimeout();
        SetAssert.Equal([a.ServerId], (await db.SetMembersAsync(ns.Servers).DefaultTimeout()).Select(v => (string)v!));
        Assert.False(await db.KeyExistsAsync(ns.Sequences(b.ServerId)).DefaultTimeout());
        Assert.False(await db.HashExistsAsync(ns.Sequences(a.ServerId), b.ServerId).DefaultTimeout());
        Assert.False(await db.KeyExistsAsync(ns.Marker(b.ServerId)).DefaultTimeout());
    }

    [Fact]
    public async Task A_server_shutting_down_leaves_the_namespaces_server_list_and_its_sequence_numbers_there()
    {
        await using var a = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        var b = await BackplaneNode.StartAsync(cluster.ConnectionString, _prefix);
        var leaving = b.ServerId;
        var (db, ns, admin) = await ExchangeAsync(a, b);
        await using var _ = admin;

        await b.DisposeAsync();
        SetAssert.Equal([a.ServerId], (await db.SetMembersAsync(ns.Servers).DefaultTimeout()).Select(v => (string)v!));
        Assert.False(await db.KeyExistsAsync(ns.Sequences(leaving)).DefaultTimeout());
        Assert.False(await db.HashExistsAsync(ns.Sequences(a.ServerId), leaving).DefaultTimeout());
    }

    /// <summary>One message each way in the plain hub's namespace; checks what Redis then holds for both servers.</summary>
    private async Task<(IDatabase Db, RedisKeys.NamespaceKeys Ns, ConnectionMultiplexer Admin)> ExchangeAsync(BackplaneNode a, BackplaneNode b)
    {
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        await b.Manager.AddToGroupAsync(onB.Id, "g").DefaultTimeout();
        await a.Manager.SendGroupAsync("g", "FromA", ["1"]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(onB, "FromA", "1");
        await b.Manager.SendConnectionAsync(onA.Id, "FromB", ["1"]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(onA, "FromB", "1");
        Assert.Equal(0, a.Router.Gaps + b.Router.Gaps);

        var admin = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString).DefaultTimeout();
        var db = admin.GetDatabase();
        var ns = new RedisKeys(_prefix).For(BackplaneNode.PlainHubNamespace);
        SetAssert.Equal([a.ServerId, b.ServerId], (await db.SetMembersAsync(ns.Servers).DefaultTimeout()).Select(v => (string)v!));
        Assert.Equal(1, (long)await db.HashGetAsync(ns.Sequences(a.ServerId), b.ServerId).DefaultTimeout());
        Assert.Equal(1, (long)await db.HashGetAsync(ns.Sequences(b.ServerId), a.ServerId).DefaultTimeout());
        return (db, ns, admin);
    }
}
