using Microsoft.AspNetCore.SignalR.Protocol;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// The slot of a namespace moves to another master while two servers are connected (as <c>redis-cli --cluster
/// reshard</c> does it): delivery and joins work again. A class of its own: the move changes its cluster's layout.
/// </summary>
public sealed class ClusterSlotMigrationTests(RedisClusterFixture cluster) : BackplaneTestBase(cluster), IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Group_sends_and_joins_work_again_after_the_namespaces_slot_moves_to_another_master()
    {
        var (a, b) = await TwoNodesAsync();
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        await a.Manager.AddToGroupAsync(onA.Id, "room").DefaultTimeout();
        await b.Manager.AddToGroupAsync(onB.Id, "room").DefaultTimeout();
        await a.Manager.SendGroupAsync("room", "Before", ["a"]).DefaultTimeout();
        await AssertReceivesAsync(onB, "Before", "a");

        var admin = await AdminAsync();
        var masters = Redis.Masters.Select(m => admin.GetServer(m)).ToArray();
        var slot = await ClusterSlots.SlotOfAsync(masters[0], new RedisKeys(Prefix).For(BackplaneNode.PlainHubNamespace).Rooms);
        var source = await ClusterSlots.MasterOfAsync(admin, masters[0], slot);
        var target = masters.First(m => !m.EndPoint.Equals(source.EndPoint));
        await ClusterSlots.MoveAsync(slot, source, target, masters);
        Assert.Equal(target.EndPoint, (await ClusterSlots.MasterOfAsync(admin, masters[0], slot)).EndPoint);
        Assert.True((long)await target.ExecuteAsync("CLUSTER", "COUNTKEYSINSLOT", slot).DefaultTimeout() > 0, "the namespace's keys moved with the slot");

        // Messages sent while the servers follow the move may be lost (counted as gaps, not asserted): delivery resumes
        // both ways, each server's sharded subscription having followed the slot.
        await SendUntilReceivedAsync(a, onB, "AfterMoveFromA");
        await SendUntilReceivedAsync(b, onA, "AfterMoveFromB");
        foreach (var node in (BackplaneNode[])[a, b])
        {
            var channel = new RedisKeys(Prefix).For(BackplaneNode.PlainHubNamespace).Channel(node.ServerId).ToString();
            Assert.Equal(1, await ShardSubscribersAsync(target, channel));
            Assert.Equal(0, await ShardSubscribersAsync(source, channel));
        }

        // Joins keep working: a local join on b, a remote join of a's new connection made by b, then one group send.
        var lateB = await b.ConnectAsync();
        var lateA = await a.ConnectAsync();
        await b.Manager.AddToGroupAsync(lateB.Id, "room").DefaultTimeout();
        await b.Manager.AddToGroupAsync(lateA.Id, "room").DefaultTimeout();
        await a.Manager.SendGroupAsync("room", "Joined", ["x"]).DefaultTimeout();
        foreach (var member in (TestConnection[])[onA, onB, lateA, lateB])
        {
            await ReadUntilAsync(member, "Joined");
        }

        SetAssert.Equal([onA.Id, onB.Id, lateA.Id, lateB.Id], await a.Store.GetMembersAsync(BackplaneNode.PlainHubNamespace, "room").DefaultTimeout());
    }

    /// <summary>Subscribers of a sharded channel on one node (PUBSUB SHARDNUMSUB counts that node's own).</summary>
    private static async Task<long> ShardSubscribersAsync(IServer node, string channel)
        => (long)((RedisResult[])(await node.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel).DefaultTimeout())!)[1];

    /// <summary>Sends to "room" from <paramref name="from"/> until <paramref name="to"/> gets one (bounded: 30 s).</summary>
    private static async Task SendUntilReceivedAsync(BackplaneNode from, TestConnection to, string method)
    {
        var sent = 0;
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () =>
            {
                while (to.TryRead() is { } message)
                {
                    if (message is InvocationMessage invocation && invocation.Target == method)
                    {
                        return true;
                    }
                }

                await from.Manager.SendGroupAsync("room", method, [sent++]).DefaultTimeout();
                return false;
            },
            TimeSpan.FromSeconds(30),
            $"a group send from server {from.ServerId} reaches a member on the other server after the slot moved",
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Reads past whatever came earlier (late retries) until a <paramref name="method"/> invocation.</summary>
    private static async Task ReadUntilAsync(TestConnection connection, string method)
    {
        while ((await connection.ReadInvocationAsync()).Target != method)
        {
        }
    }
}
