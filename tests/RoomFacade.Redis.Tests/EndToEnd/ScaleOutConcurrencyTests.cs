using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>Thousands of joins, leaves and disconnects spread over three servers at once; then the index equals the truth.</summary>
public abstract class ScaleOutConcurrencyTests(IRedisTarget redis, string backplane)
{
    private const int ClientsPerServer = 40;
    private const int OpsPerClient = 25;
    private const int Rooms = 8;

    [Fact]
    public async Task Concurrent_operations_over_three_servers_end_in_the_truth()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(redis.ConnectionString, 3, ScaleOutCluster.Backplane(backplane));
        var clients = new List<(TestChatClient Client, int Server)>();
        try
        {
            for (var s = 0; s < cluster.Servers.Count; s++)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, ClientsPerServer).Select(i =>
                    TestChatClient.ConnectAsync(cluster[s].BaseUrl, i % 4 == 0 ? "/news" : "/chat"))).DefaultTimeout();
                clients.AddRange(batch.Select(c => (c, s)));
            }

            // Each client runs its own deterministic sequence; clients run concurrently. The truth is each client's
            // final set. A few joins are made by a different server than the one holding the connection.
            var truth = new Dictionary<string, HashSet<string>>();
            var work = clients.Select(async (entry, index) =>
            {
                var random = new Random(index);
                var rooms = new HashSet<string>();
                for (var op = 0; op < OpsPerClient; op++)
                {
                    var room = $"room{random.Next(Rooms)}";
                    if (random.Next(3) == 0)
                    {
                        await entry.Client.InvokeAsync("Unsubscribe", room);
                        rooms.Remove(room);
                    }
                    else if (op % 10 == 9)
                    {
                        // Joined by another server, then at once left (or re-joined) through the client's own server:
                        // the holding server's truth must already know the remote join.
                        var other = cluster[(entry.Server + 1) % cluster.Servers.Count];
                        await other.Rooms.JoinAsync(entry.Client.Id, room).DefaultTimeout();
                        rooms.Add(room);
                        if (random.Next(2) == 0)
                        {
                            await entry.Client.InvokeAsync("Unsubscribe", room);
                            rooms.Remove(room);
                        }
                    }
                    else
                    {
                        await entry.Client.InvokeAsync("Subscribe", room);
                        rooms.Add(room);
                    }
                }

                lock (truth)
                {
                    truth[entry.Client.Id] = rooms;
                }
            });
            await Task.WhenAll(work).DefaultTimeout(TimeSpan.FromSeconds(120));

            // Every fifth client disconnects.
            var leaving = clients.Where((_, i) => i % 5 == 0).Select(c => c.Client).ToList();
            var leavingIds = leaving.Select(c => c.Id).ToHashSet();
            await Task.WhenAll(leaving.Select(c => c.StopAsync())).DefaultTimeout();

            var expected = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (client, _) in clients.Where(c => !leavingIds.Contains(c.Client.Id)))
            {
                var ns = client.HubUrl.EndsWith("/news", StringComparison.Ordinal) ? "/news" : "";
                foreach (var room in truth[client.Id].Append(""))
                {
                    var key = room.Length == 0 ? ns : ns + "/" + room;
                    if (!expected.TryGetValue(key, out var set))
                    {
                        expected[key] = set = [];
                    }

                    set.Add(client.Id);
                }
            }

            foreach (var server in cluster.Servers)
            {
                await TaskTimeoutExtensions.WaitUntilAsync(async () =>
                {
                    var actual = await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout();
                    return actual.Count == expected.Count && expected.All(p => actual.TryGetValue(p.Key, out var m) && p.Value.SetEquals(m));
                }, because: "every server's manager.rooms equals the truth after the disconnects");
            }

            foreach (var (client, _) in clients.Where(c => !leavingIds.Contains(c.Client.Id)).Take(20))
            {
                var rooms = await cluster[0].Rooms.GetRoomsOfAsync(client.Id).DefaultTimeout();
                Assert.Equal(truth[client.Id].Append("").Order(), rooms.Order());
            }

            Assert.Equal(clients.Count, truth.Count);
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
