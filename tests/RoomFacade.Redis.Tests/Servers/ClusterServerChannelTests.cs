using RoomFacade.Stores;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// The server channel on the 3-master Redis Cluster. A classic PUBLISH on a cluster reports only the subscribers of the
/// node it was sent to (the message reaches the others over the cluster bus), so a request to a server subscribed on
/// another node looked unanswered ("no such server") and a change to its connection was reported as an unknown
/// connection. On a cluster the channel is sharded: the count is the true one.
/// </summary>
public sealed class ClusterServerChannelTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private readonly string _prefix = "cchan" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Changes_to_connections_held_by_other_servers_are_carried_out_whichever_node_each_server_subscribed_on()
    {
        var nodes = new List<RedisIndexNode>();
        try
        {
            // Four servers: their channels spread over the three masters, so some requests cross nodes.
            for (var i = 0; i < 4; i++)
            {
                var node = RedisIndexNode.Create(cluster.ConnectionString, _prefix);
                nodes.Add(node);
                await node.BeatUntilAnsweredAsync();
                await node.Store.AddConnectionAsync(string.Empty, "c" + i).DefaultTimeout();
            }

            for (var from = 0; from < nodes.Count; from++)
            {
                for (var to = 0; to < nodes.Count; to++)
                {
                    if (from == to)
                    {
                        continue;
                    }

                    var room = $"r{from}-{to}";
                    Assert.Equal(MembershipChange.RoomCreated, await nodes[from].Store.AddToRoomAsync("c" + to, room).DefaultTimeout());
                    SetAssert.Equal(["c" + to], await nodes[(to + 1) % nodes.Count].Store.GetMembersAsync(string.Empty, room).DefaultTimeout());
                    Assert.Equal(MembershipChange.RoomDeleted, await nodes[from].Store.RemoveFromRoomAsync("c" + to, room).DefaultTimeout());
                }
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
