using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Testing;
using Xunit;
using Xunit.Abstractions;
using static RoomFacade.Tests.EndToEnd.ChatTestHost;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>
/// Hundreds of real clients changing rooms at once: afterwards the index must equal the truth the test kept, and
/// no stopped connection may be listed anywhere.
/// </summary>
public sealed class ConcurrencyEndToEndTests(ITestOutputHelper output)
{
    private const int ConnectBatchSize = 50;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(60);

    private static async Task<TestChatClient[]> ConnectManyAsync(TestServer server, ClientSet clients, IReadOnlyList<string> paths)
    {
        var connected = new TestChatClient[paths.Count];
        for (var start = 0; start < paths.Count; start += ConnectBatchSize)
        {
            var batch = Enumerable.Range(start, Math.Min(ConnectBatchSize, paths.Count - start));
            await Task.WhenAll(batch.Select(async i => connected[i] = await clients.AddAsync(server, paths[i]))).DefaultTimeout(PhaseTimeout);
        }

        return connected;
    }

    private static async Task<bool> SucceededAsync(Task task)
    {
        try
        {
            await task;
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The expected <c>GetRoomsAsync(ns)</c>: every non-empty room, the catch-all with every live connection.</summary>
    private static Dictionary<string, List<string>> ExpectedRooms(IEnumerable<(string Id, string Namespace, IReadOnlySet<string> Rooms)> live, string @namespace)
    {
        var expected = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (id, ns, rooms) in live.Where(l => l.Namespace == @namespace))
        {
            foreach (var room in rooms.Append(""))
            {
                if (!expected.TryGetValue(room, out var members))
                {
                    expected[room] = members = [];
                }

                members.Add(id);
            }
        }

        return expected;
    }

    [Fact]
    public async Task Hundreds_of_clients_joining_leaving_and_disconnecting_concurrently_leave_a_truthful_index()
    {
        const int chatClients = 200;
        const int newsClients = 100;
        const int roomCount = 8;
        const int opsPerClient = 10;
        var sw = Stopwatch.StartNew();
        var tracker = new HubActivityTracker();
        await using var server = await StartAsync(tracker.AddTo);
        await using var clients = new ClientSet();
        var paths = Enumerable.Range(0, chatClients + newsClients).Select(i => i < chatClients ? ChatPath : NewsPath).ToArray();
        var all = await ConnectManyAsync(server, clients, paths);
        var ids = all.Select(c => c.Id).ToArray();
        output.WriteLine($"connected {all.Length} clients in {sw.ElapsedMilliseconds} ms");

        // Every client joins and leaves rooms at the same time as all the others; every fourth one then disconnects
        // while the others are still busy.
        var truth = new IReadOnlySet<string>[all.Length];
        var stopped = Enumerable.Range(0, all.Length).Select(i => i % 4 == 0).ToArray();
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, all.Length).Select(async i =>
        {
            var random = new Random(i);
            var mine = new HashSet<string>(StringComparer.Ordinal);
            for (var op = 0; op < opsPerClient; op++)
            {
                var room = "room-" + random.Next(roomCount);
                if (random.Next(3) < 2)
                {
                    await all[i].InvokeAsync("Subscribe", room);
                    mine.Add(room);
                }
                else
                {
                    await all[i].InvokeAsync("Unsubscribe", room);
                    mine.Remove(room);
                }
            }

            truth[i] = mine;
            if (stopped[i])
            {
                await all[i].StopAsync();
            }
        })).DefaultTimeout(PhaseTimeout);
        var stoppedCount = stopped.Count(s => s);
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(tracker.Disconnected >= stoppedCount && tracker.InFlightInvocations == 0),
            because: $"{stoppedCount} disconnects should be handled");
        output.WriteLine($"{all.Length * opsPerClient} joins/leaves and {stoppedCount} disconnects in {sw.ElapsedMilliseconds} ms");

        var live = Enumerable.Range(0, all.Length).Where(i => !stopped[i]).Select(i => (ids[i], NamespaceOf(paths[i]), truth[i])).ToArray();

        // IRoomManager, namespace by namespace.
        foreach (var ns in new[] { "", "/news" })
        {
            var expected = ExpectedRooms(live, ns);
            Assert.Equal(Describe(expected), Describe(await server.Rooms.GetRoomsAsync(ns).DefaultTimeout()));
            foreach (var room in Enumerable.Range(0, roomCount).Select(r => "room-" + r))
            {
                Assert.Equal(
                    expected.TryGetValue(room, out var members) ? members.Sorted() : [],
                    (await server.Rooms.GetMembersAsync(ns, room).DefaultTimeout()).Sorted());
            }
        }

        // manager.rooms, from the server and through a hub call.
        var expected09 = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var ns in new[] { "", "/news" })
        {
            foreach (var (room, members) in ExpectedRooms(live, ns))
            {
                expected09[Key(ns, room)] = members;
            }
        }

        Assert.Equal(Describe(expected09), Describe(await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout()));
        var someLiveClient = all[Array.FindIndex(stopped, s => !s)];
        Assert.Equal(Describe(expected09), Describe(await GetRoomsAsync(someLiveClient)));

        // Each connection's own rooms.
        for (var i = 0; i < all.Length; i++)
        {
            if (stopped[i])
            {
                await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.GetRoomsOfAsync(ids[i])).DefaultTimeout();
            }
            else
            {
                Assert.Equal(truth[i].Append("").Sorted(), (await server.Rooms.GetRoomsOfAsync(ids[i]).DefaultTimeout()).Sorted());
            }
        }

        // Delivery agrees with the index: room-0 of each namespace reaches exactly its listed members.
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await server.Rooms.Sockets.In("room-0").EmitAsync("message", new ChatRooms.Hubs.ChatMessage("room-0", "test", "chat room-0")).DefaultTimeout();
        await server.Rooms.Of("/news").In("room-0").EmitAsync("message", new ChatRooms.Hubs.ChatMessage("room-0", "test", "news room-0")).DefaultTimeout();
        await server.Rooms.Sockets.EmitAsync("message", new ChatRooms.Hubs.ChatMessage(null, "test", marker)).DefaultTimeout();
        await server.Rooms.Of("/news").EmitAsync("message", new ChatRooms.Hubs.ChatMessage(null, "test", marker)).DefaultTimeout();
        await Task.WhenAll(Enumerable.Range(0, all.Length).Where(i => !stopped[i]).Select(async i =>
        {
            var received = await all[i].ReadUntilAsync(marker);
            var expectedTexts = truth[i].Contains("room-0") ? [(paths[i] == ChatPath ? "chat" : "news") + " room-0"] : Array.Empty<string>();
            Assert.Equal(expectedTexts, received.Select(m => m.Text));
        })).DefaultTimeout(PhaseTimeout);
    }

    [Fact]
    public async Task Joins_racing_disconnects_never_leave_a_stopped_connection_listed()
    {
        const int racers = 120;
        const int survivorsPerNamespace = 5;
        const int racingJoins = 5;
        var sw = Stopwatch.StartNew();
        var tracker = new HubActivityTracker();
        await using var server = await StartAsync(tracker.AddTo);
        await using var clients = new ClientSet();
        var paths = Enumerable.Range(0, racers + (2 * survivorsPerNamespace)).Select(i => i % 2 == 0 ? ChatPath : NewsPath).ToArray();
        var all = await ConnectManyAsync(server, clients, paths);
        var ids = all.Select(c => c.Id).ToArray();
        string[] raceRooms = [.. Enumerable.Range(0, racingJoins).Select(k => "race-" + k)];

        // Every racer is surely in "base". Then, all racers together: the client fires joins, the server joins and
        // leaves rooms for it in a loop (as a background service would), and the client stops in the middle of both.
        var acknowledged = 0;
        var serverJoins = 0;
        await Task.WhenAll(Enumerable.Range(0, all.Length).Select(i => all[i].InvokeAsync("Subscribe", "base"))).DefaultTimeout(PhaseTimeout);
        var (succeededBefore, failedBefore) = (tracker.SucceededInvocations, tracker.FailedInvocations);
        await Task.WhenAll(Enumerable.Range(0, all.Length).Select(async i =>
        {
            var client = all[i];
            if (i >= racers)
            {
                foreach (var room in raceRooms)
                {
                    await client.InvokeAsync("Subscribe", room);
                }

                return;
            }

            var firstServerJoin = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var serverLoop = Task.Run(async () =>
            {
                for (var k = 0; k < 200; k++)
                {
                    await Task.Yield();
                    try
                    {
                        await server.Rooms.JoinAsync(ids[i], "server-" + (k % 3));
                        Interlocked.Increment(ref serverJoins);
                        firstServerJoin.TrySetResult();
                        await server.Rooms.LeaveAsync(ids[i], "server-" + ((k + 1) % 3));
                    }
                    catch (UnknownConnectionException)
                    {
                        return;
                    }
                }
            });
            var joins = raceRooms.Select(room => SucceededAsync(client.Connection.InvokeCoreAsync("Subscribe", [room]))).ToArray();
            if (i % 2 == 0)
            {
                await joins[i % joins.Length];
            }

            await firstServerJoin.Task.DefaultTimeout();
            var stop = client.Connection.StopAsync();
            var results = await Task.WhenAll(joins).DefaultTimeout();
            await stop.DefaultTimeout();
            await serverLoop.DefaultTimeout();
            Interlocked.Add(ref acknowledged, results.Count(r => r));
        })).DefaultTimeout(PhaseTimeout);
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => Task.FromResult(tracker.Disconnected >= racers && tracker.InFlightInvocations == 0),
            because: $"{racers} disconnects should be handled");
        output.WriteLine(
            $"{racers} racers: {acknowledged} of {racers * racingJoins} racing joins acknowledged, "
            + $"server ran {tracker.SucceededInvocations - succeededBefore} hub calls that succeeded and {tracker.FailedInvocations - failedBefore} that failed, "
            + $"{serverJoins} server-side joins; {sw.ElapsedMilliseconds} ms");
        Assert.True(serverJoins >= racers, "every racer was joined server-side at least once before it stopped");

        var stoppedIds = ids.Take(racers).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in new[] { "", "/news" })
        {
            var survivors = Enumerable.Range(racers, all.Length - racers).Where(i => NamespaceOf(paths[i]) == ns).Select(i => ids[i]).Sorted();
            var rooms = await server.Rooms.GetRoomsAsync(ns).DefaultTimeout();
            Assert.Equal(raceRooms.Append("").Append("base").Sorted(), rooms.Keys.Sorted());
            Assert.All(rooms, room => Assert.Equal(survivors, room.Value.Sorted()));
        }

        var manager = await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout();
        Assert.DoesNotContain(manager.Values.SelectMany(m => m), stoppedIds.Contains);
        var survivor = all[racers];
        Assert.DoesNotContain((await GetRoomsAsync(survivor)).Values.SelectMany(m => m), stoppedIds.Contains);
        foreach (var id in stoppedIds)
        {
            await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.GetRoomsOfAsync(id)).DefaultTimeout();
            await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.Manager.GetRoomClientsAsync(id)).DefaultTimeout();
            await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.JoinAsync(id, "late")).DefaultTimeout();
        }

        Assert.DoesNotContain("late", (await server.Rooms.GetRoomsAsync("").DefaultTimeout()).Keys);
    }
}
