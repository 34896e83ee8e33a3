using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Redis.Backplane;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// A second plain hub. Its hidden namespace hashes to slot 4796 (first master of a 3-master cluster) and
/// <see cref="PlainHub"/>'s to slot 12288 (third master): the name was chosen for that, and the test checks it.
/// </summary>
public sealed class OtherSlotHub : Hub
{
}

/// <summary>
/// What only a Redis Cluster shows: each namespace's route script and sharded channel live in the namespace's own slot,
/// so two namespaces on two masters each use their own (the slot layout is the one <c>redis-cli --cluster create</c>
/// made: <see cref="ClusterSlotMigrationTests"/>, which moves a slot, has a cluster of its own).
/// </summary>
public sealed class ClusterBackplaneTests(RedisClusterFixture cluster) : BackplaneTestBase(cluster), IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Namespaces_on_different_masters_each_deliver_across_servers_through_their_own_master()
    {
        var (a, b) = await TwoNodesAsync();
        var otherA = a.Services.GetRequiredService<HubLifetimeManager<OtherSlotHub>>();
        var otherB = b.Services.GetRequiredService<HubLifetimeManager<OtherSlotHub>>();
        var otherNamespace = ((RoomFacadeHubLifetimeManager<OtherSlotHub>)otherA).Namespace;
        var plainMaster = await MasterOfAsync(BackplaneNode.PlainHubNamespace);
        var otherMaster = await MasterOfAsync(otherNamespace);
        Assert.NotEqual(plainMaster.EndPoint, otherMaster.EndPoint); // the hub names were chosen for this

        await a.ConnectAsync();
        await otherA.OnConnectedAsync(new TestConnection().Context).DefaultTimeout();
        var plainMember = await b.ConnectAsync();
        var otherMember = new TestConnection();
        await otherB.OnConnectedAsync(otherMember.Context).DefaultTimeout();
        await b.Manager.AddToGroupAsync(plainMember.Id, "room").DefaultTimeout();
        await otherB.AddToGroupAsync(otherMember.Id, "room").DefaultTimeout(); // same room name, other namespace

        var (plainBefore, otherBefore) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));
        await a.Manager.SendGroupAsync("room", "Plain", ["1"]).DefaultTimeout();
        await otherA.SendGroupAsync("room", "Other", ["2"]).DefaultTimeout();
        await AssertReceivesAsync(plainMember, "Plain", "1");
        await AssertReceivesAsync(otherMember, "Other", "2");
        var (plainAfter, otherAfter) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));

        // Each message was one SPUBLISH on the master of its own namespace's slot.
        Assert.Equal(1, Delta(plainBefore, plainAfter, "spublish"));
        Assert.Equal(1, Delta(otherBefore, otherAfter, "spublish"));

        // Neither crossed into the other namespace.
        await AssertNothingElseAsync(a, plainMember);
        await otherA.SendConnectionAsync(otherMember.Id, "Marker", ["m"]).DefaultTimeout();
        await AssertReceivesAsync(otherMember, "Marker");
    }

    [Fact]
    public async Task A_server_subscribes_each_namespace_it_serves_once_on_the_master_of_its_slot()
    {
        var a = await NodeAsync();
        var otherA = a.Services.GetRequiredService<HubLifetimeManager<OtherSlotHub>>();
        var plainMaster = await MasterOfAsync(BackplaneNode.PlainHubNamespace);
        var otherMaster = await MasterOfAsync(((RoomFacadeHubLifetimeManager<OtherSlotHub>)otherA).Namespace);
        await a.Services.GetRequiredService<ServerChannel>().EnsureSubscribedAsync(CancellationToken.None).DefaultTimeout(); // the server's own channel, counted apart
        var all0 = await CommandStatsAsync();
        var (plain0, other0) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));

        // The first connection of a namespace subscribes its sharded channel, on the master of its slot, before
        // OnConnectedAsync returns.
        await a.ConnectAsync();
        var (plain1, other1) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));
        Assert.Equal(1, Delta(plain0, plain1, "ssubscribe"));
        Assert.Equal(0, Delta(other0, other1, "ssubscribe"));

        await otherA.OnConnectedAsync(new TestConnection().Context).DefaultTimeout();
        var (plain2, other2) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));
        Assert.Equal(0, Delta(plain1, plain2, "ssubscribe"));
        Assert.Equal(1, Delta(other1, other2, "ssubscribe"));

        // Later connections of either namespace subscribe nothing.
        for (var i = 0; i < 10; i++)
        {
            await a.ConnectAsync();
            await otherA.OnConnectedAsync(new TestConnection().Context).DefaultTimeout();
        }

        var (plain3, other3) = (await CommandStatsAsync(plainMaster), await CommandStatsAsync(otherMaster));
        Assert.Equal(0, Delta(plain2, plain3, "ssubscribe") + Delta(other2, other3, "ssubscribe"));

        // In all, over every master: two sharded subscriptions (one per namespace) and no classic one.
        var all3 = await CommandStatsAsync();
        Assert.Equal(2, Delta(all0, all3, "ssubscribe"));
        Assert.Equal(0, Delta(all0, all3, "subscribe"));
    }

    [Fact]
    public async Task Sends_interleaved_over_two_namespaces_keep_their_order_per_namespace_and_count_no_gap()
    {
        var (a, b) = await TwoNodesAsync();
        var otherA = a.Services.GetRequiredService<HubLifetimeManager<OtherSlotHub>>();
        var otherB = b.Services.GetRequiredService<HubLifetimeManager<OtherSlotHub>>();
        var plainMember = await b.ConnectAsync();
        var otherMember = new TestConnection();
        await otherB.OnConnectedAsync(otherMember.Context).DefaultTimeout();
        var gapsBefore = b.Router.Gaps;

        // Sequence numbers are per (sender, receiver, namespace): each namespace's channel sees an unbroken run.
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            var send = i % 2 == 0
                ? a.Manager.SendConnectionAsync(plainMember.Id, "M", [i])
                : otherA.SendConnectionAsync(otherMember.Id, "M", [i]);
            await send.DefaultTimeout();
        }

        for (var i = 0; i < count; i += 2)
        {
            await AssertReceivesAsync(plainMember, "M", i);
            await AssertReceivesAsync(otherMember, "M", i + 1);
        }

        Assert.Equal(0, b.Router.Gaps - gapsBefore);
    }

    private async Task<IServer> MasterOfAsync(string @namespace)
    {
        var admin = await AdminAsync();
        var anyNode = admin.GetServer(Redis.Masters[0]);
        var key = new RedisKeys(Prefix).For(@namespace).Rooms;
        var slot = await ClusterSlots.SlotOfAsync(anyNode, key);
        Assert.Equal(admin.HashSlot(key), slot);
        return await ClusterSlots.MasterOfAsync(admin, anyNode, slot);
    }
}
