using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Redis.Backplane;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// What the backplane promises beyond SignalR's specification: the stock Redis suite's extras (same names), Redis
/// command counts (no subscriptions per connection, group or user; no PUBLISH for local-only rooms; only servers holding
/// members are reached), order per (sender → connection), visible loss, and slow clients. Runs on a redis-server
/// (<see cref="BackplaneBehaviourTestsOnRedis"/>, which adds the tests that need a standalone server) and on a 3-master
/// cluster (<see cref="BackplaneBehaviourTestsOnCluster"/>); the hub-message command counted is the target's
/// (<see cref="BackplaneTestBase.HubMessageCommand"/>).
/// </summary>
public abstract class BackplaneBehaviourTests(IRedisTarget redis) : BackplaneTestBase(redis)
{
    [Fact]
    public async Task CamelCasedJsonIsPreservedAcrossRedisBoundary()
    {
        // The sender serializes (PascalCase here); the receiver passes its bytes through unchanged.
        var a = await NodeAsync(services: s => s.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = null));
        var b = await NodeAsync();
        var c = await b.ConnectAsync();
        await a.Manager.SendAllAsync("Hello", [new { TestProperty = "Foo" }]).DefaultTimeout();
        var message = await c.ReadInvocationAsync();
        var argument = Assert.IsType<JsonElement>(message.Arguments[0]);
        Assert.Equal("Foo", argument.GetProperty("TestProperty").GetString());
    }

    [Fact]
    public async Task A_server_whose_channel_is_not_subscribed_yet_gets_the_result_of_a_client_it_invoked_on_another_server()
    {
        // A server listens after StartupWait even when its first heartbeat (which subscribes its channel) has not run;
        // a client result from another server comes back on that channel, so invoking subscribes it first.
        var a = await NodeAsync();
        var b = await NodeAsync(startHostedServices: false);
        var c = await a.ConnectAsync();
        Assert.False(b.Router.Channel.IsSubscribed);
        var result = b.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        await a.Manager.SetConnectionResultAsync(c.Id, RawResult(invocation.InvocationId!, "10")).DefaultTimeout();
        Assert.Equal(10, await result.DefaultTimeout());
    }

    [Fact]
    public async Task A_server_whose_channel_is_not_subscribed_yet_adds_a_connection_of_another_server_to_a_group()
    {
        var a = await NodeAsync();
        var b = await NodeAsync(startHostedServices: false);
        var c = await a.ConnectAsync();
        await b.Manager.AddToGroupAsync(c.Id, "g").DefaultTimeout();
        await a.Manager.SendGroupAsync("g", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
    }

    [Fact]
    public async Task PatternGroupAndUser()
    {
        var (a, b) = await TwoNodesAsync();
        var (star, other, starUser) = (await a.ConnectAsync(), await a.ConnectAsync("u1"), await a.ConnectAsync("*"));
        await a.Manager.AddToGroupAsync(star.Id, "*").DefaultTimeout();
        await a.Manager.AddToGroupAsync(other.Id, "a").DefaultTimeout();
        await b.Manager.SendGroupAsync("*", "Hello", ["group"]).DefaultTimeout();
        await b.Manager.SendUserAsync("*", "Hello", ["user"]).DefaultTimeout();
        await AssertReceivesAsync(star, "Hello", "group");
        await AssertReceivesAsync(starUser, "Hello", "user");
        await AssertNothingElseAsync(b, other);
    }

    [Fact]
    public async Task ConnectJoinLeaveAndDisconnectNeverSubscribeAndJoinIsOneCommand()
    {
        var (a, b) = await TwoNodesAsync();
        await a.ConnectAsync(); // first connects subscribe each server's own channel (and, on a cluster, the namespace's sharded channel): once per server
        await b.ConnectAsync();
        var before = await CommandStatsAsync();
        var connections = new List<(BackplaneNode Node, TestConnection Connection)>();
        for (var i = 0; i < 200; i++)
        {
            var node = i % 2 == 0 ? a : b;
            connections.Add((node, await node.ConnectAsync("user" + (i % 7))));
        }

        var afterConnect = await CommandStatsAsync();
        foreach (var (node, connection) in connections)
        {
            await node.Manager.AddToGroupAsync(connection.Id, "room" + connection.Id).DefaultTimeout(); // a fresh room per join
        }

        var afterJoin = await CommandStatsAsync();
        foreach (var (node, connection) in connections)
        {
            await node.Manager.RemoveFromGroupAsync(connection.Id, "room" + connection.Id).DefaultTimeout();
            await node.Manager.OnDisconnectedAsync(connection.Context).DefaultTimeout();
        }

        var after = await CommandStatsAsync();
        foreach (var command in (string[])["subscribe", "unsubscribe", "ssubscribe", "sunsubscribe", "psubscribe", "punsubscribe"])
        {
            Assert.Equal(0, Delta(before, after, command));
        }

        // A join is one script: the index, the group membership and the routing record are the same thing.
        Assert.Equal(200, Delta(afterConnect, afterJoin, "evalsha") + Delta(afterConnect, afterJoin, "eval"));
        Assert.Equal(0, Delta(afterConnect, afterJoin, "publish") + Delta(afterConnect, afterJoin, "spublish"));
    }

    [Fact]
    public async Task RoomWhoseMembersAreAllLocalCostsNoPublish()
    {
        var (a, b) = await TwoNodesAsync();
        var members = new[] { await a.ConnectAsync(), await a.ConnectAsync(), await a.ConnectAsync() };
        var elsewhere = await b.ConnectAsync();
        foreach (var member in members)
        {
            await a.Manager.AddToGroupAsync(member.Id, "local").DefaultTimeout();
        }

        var before = await CommandStatsAsync();
        for (var i = 0; i < 20; i++)
        {
            await a.Manager.SendGroupAsync("local", "Hello", [i]).DefaultTimeout();
        }

        var after = await CommandStatsAsync();
        Assert.Equal(0, Delta(before, after, "publish") + Delta(before, after, "spublish"));
        foreach (var member in members)
        {
            for (var i = 0; i < 20; i++)
            {
                await AssertReceivesAsync(member, "Hello", i);
            }
        }

        await AssertNothingElseAsync(b, elsewhere);
    }

    [Fact]
    public async Task RoomMessageReachesExactlyTheOtherServersHoldingMembers()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var c = await NodeAsync();
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        var notMember = await c.ConnectAsync();
        await a.Manager.AddToGroupAsync(onA.Id, "room").DefaultTimeout();
        await b.Manager.AddToGroupAsync(onB.Id, "room").DefaultTimeout();
        var before = await CommandStatsAsync();
        await a.Manager.SendGroupAsync("room", "Hello", ["World"]).DefaultTimeout();
        var after = await CommandStatsAsync();
        Assert.Equal(1, Delta(before, after, HubMessageCommand)); // k = 2 of N = 3 servers hold members: k − 1 = 1 message
        Assert.Equal(1, Delta(before, after, "publish") + Delta(before, after, "spublish")); // and no other kind
        await AssertReceivesAsync(onA, "Hello", "World");
        await AssertReceivesAsync(onB, "Hello", "World");
        await AssertNothingElseAsync(c, notMember);
    }

    [Fact]
    public async Task MessagesFromOneServerToAConnectionKeepTheirOrderWhateverTheTarget()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await b.ConnectAsync("user");
        await b.Manager.AddToGroupAsync(c.Id, "g").DefaultTimeout();
        const int count = 400;
        for (var i = 0; i < count; i++)
        {
            var send = (i % 4) switch
            {
                0 => a.Manager.SendConnectionAsync(c.Id, "M", [i]),
                1 => a.Manager.SendGroupAsync("g", "M", [i]),
                2 => a.Manager.SendAllAsync("M", [i]),
                _ => a.Manager.SendUserAsync("user", "M", [i]),
            };
            if (i % 50 == 0)
            {
                await send.DefaultTimeout();
            }
        }

        for (var i = 0; i < count; i++)
        {
            await AssertReceivesAsync(c, "M", i);
        }
    }

    [Fact]
    public async Task LostMessagesAreCountedAsGapsAndDeliveryResumes()
    {
        var (_, b) = await TwoNodesAsync();
        var c = await b.ConnectAsync();
        var header = BackplaneEnvelope.HubMessageHeader("ghost");
        byte[] Message(long sequence, int arg) => [.. header, .. System.Text.Encoding.ASCII.GetBytes(sequence + ":"), .. BackplaneEnvelope.WriteHubMessage(
            typeof(PlainHub).FullName!, BackplaneEnvelope.Target.Connections, [c.Id], null, null, null,
            [new SerializedMessage("json", new Microsoft.AspNetCore.SignalR.Protocol.JsonHubProtocol().GetMessageBytes(new Microsoft.AspNetCore.SignalR.Protocol.InvocationMessage("M", [arg])))])];

        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString).DefaultTimeout();
        var channel = HubMessageChannel(b.ServerId, BackplaneNode.PlainHubNamespace);
        var gapsBefore = b.Router.Gaps;
        await multiplexer.GetSubscriber().PublishAsync(channel, Message(1, 1)).DefaultTimeout();
        await multiplexer.GetSubscriber().PublishAsync(channel, Message(4, 4)).DefaultTimeout(); // 2 and 3 were lost
        await AssertReceivesAsync(c, "M", 1);
        await AssertReceivesAsync(c, "M", 4);
        Assert.Equal(2, b.Router.Gaps - gapsBefore);
    }

    [Fact]
    public async Task SlowClientDropsItsOwnMessagesOnlyAndIsCounted()
    {
        var a = await NodeAsync(o => o.MaxPendingWritesPerConnection = 4);
        var b = await NodeAsync();
        var slow = await a.ConnectAsync(pauseWriterThreshold: 64); // never read: its writes stay pending
        var healthy = await a.ConnectAsync();
        const int count = 50;
        for (var i = 0; i < count; i++)
        {
            await b.Manager.SendAllAsync("M", [new string('x', 100) + i]).DefaultTimeout();
        }

        for (var i = 0; i < count; i++)
        {
            await AssertReceivesAsync(healthy, "M", new string('x', 100) + i);
        }

        Assert.InRange(a.Router.Metrics.Dropped, count - 5, count);
        Assert.True(slow.Context.Features.Get<BackplaneConnectionState>()!.Pending <= 4);
    }

    /// <summary>
    /// Where another server's hub messages for <paramref name="serverId"/> arrive: its server channel (standalone), or
    /// its sharded channel under the namespace's hash tag, <c>{prefix}:{ns:HEX}:srv:{serverId}</c> (cluster).
    /// </summary>
    private RedisChannel HubMessageChannel(string serverId, string @namespace)
    {
        var keys = new RedisKeys(Prefix);
        return Redis.IsCluster ? keys.For(@namespace).Channel(serverId) : keys.ServerChannel(serverId);
    }
}
