using ChatRooms;
using RoomFacade.Redis.Tests.EndToEnd;
using RoomFacade.Stores;
using RoomFacade.Testing;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// What the v4 queries cost Redis: the commands the asking server sends for them, from StackExchange.Redis's profiling
/// of that server's own multiplexer (its background work and other tests' commands are not counted).
/// </summary>
public sealed class RedisQueryCostTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Count_is_one_command_and_socket_data_is_read_locally_on_the_holding_server()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(redis.Server, 2);
        await using var a = await TestChatClient.ConnectAsync(cluster[0].BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(cluster[1].BaseUrl);
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "lobby");
        var onHolder = await OwnCommands.AttachAsync(cluster[0].Services);
        var onOther = await OwnCommands.AttachAsync(cluster[1].Services);
        var holder = await cluster[0].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
        await holder.SetDataAsync(new { name = "alice" }).DefaultTimeout();

        var count = await onOther.CountAsync(async () => Assert.Equal(2, await cluster[1].Rooms.Sockets.CountAsync("lobby").DefaultTimeout()));
        AssertOneScriptPerQuery(count, 1); // SCARD and the own-id check, in one script

        var local = await onHolder.CountAsync(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("alice", (await holder.GetDataAsync<Dictionary<string, string>>().DefaultTimeout())!["name"]);
            }
        });
        Assert.Empty(local); // the holding server answers from its own truth

        // Another server reads the index, and sees the same data (writes reach Redis).
        var remote = await onOther.CountAsync(async () =>
        {
            var elsewhere = await cluster[1].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
            Assert.Equal("alice", (await elsewhere.GetDataAsync<Dictionary<string, string>>().DefaultTimeout())!["name"]);
        });
        Assert.Equal(1, remote.GetValueOrDefault("HGETALL"));
        var fetched = await cluster[1].Rooms.Sockets.In("lobby").FetchSocketsAsync().DefaultTimeout();
        Assert.Equal("alice", fetched.Single(s => s.Id == a.Id).GetData<Dictionary<string, string>>()!["name"]);
    }

    [Fact]
    public async Task Clients_and_count_of_a_room_are_one_script_each_own_id_check_included()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(redis.Server, 2);
        await using var a = await TestChatClient.ConnectAsync(cluster[0].BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(cluster[1].BaseUrl);
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "lobby");
        await a.InvokeAsync("Subscribe", b.Id); // a room named like b's id: b's own-id room, with a in it too
        var asker = cluster[1].Rooms.Sockets;
        var onAsker = await OwnCommands.AttachAsync(cluster[1].Services);
        string[] both = [.. new[] { a.Id, b.Id }.Order(StringComparer.Ordinal)];
        const int Rounds = 5;

        // Each query is one script (SMEMBERS or SCARD with the own-id check inside it): no separate look-up of the name
        // in the connection hash (HGET), no second round trip.
        var clients = await onAsker.CountAsync(async () =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                Assert.Equal(both, (await asker.ClientsAsync("lobby").DefaultTimeout()).Select(s => s.Id).Order(StringComparer.Ordinal));
                Assert.Equal([a.Id], (await asker.ClientsAsync(a.Id).DefaultTimeout()).Select(s => s.Id)); // a lives on the other server
                Assert.Equal(both, (await asker.ClientsAsync(b.Id).DefaultTimeout()).Select(s => s.Id).Order(StringComparer.Ordinal));
                Assert.Empty(await asker.ClientsAsync("nobody").DefaultTimeout());
            }
        });
        AssertOneScriptPerQuery(clients, 4 * Rounds);

        var counts = await onAsker.CountAsync(async () =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                Assert.Equal(2, await asker.CountAsync("lobby").DefaultTimeout());
                Assert.Equal(1, await asker.CountAsync(a.Id).DefaultTimeout());
                Assert.Equal(2, await asker.CountAsync(b.Id).DefaultTimeout()); // b and a, as clients(b.Id) lists them
                Assert.Equal(0, await asker.CountAsync("nobody").DefaultTimeout());
            }
        });
        AssertOneScriptPerQuery(counts, 4 * Rounds);
    }

    [Fact]
    public async Task A_connections_own_rooms_are_answered_by_its_server_without_Redis_and_read_from_Redis_elsewhere()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(redis.Server, 2);
        await using var a = await TestChatClient.ConnectAsync(cluster[0].BaseUrl);
        await a.InvokeAsync("Subscribe", "lobby");
        string[] expected = [.. new[] { a.Id, "lobby" }.Order(StringComparer.Ordinal)];
        Assert.Equal(expected, (await a.InvokeAsync<string[]>("GetMyRooms")).Order(StringComparer.Ordinal));
        var onHolder = await OwnCommands.AttachAsync(cluster[0].Services);
        var onOther = await OwnCommands.AttachAsync(cluster[1].Services);

        var own = await onHolder.CountAsync(async () =>
        {
            var mine = await cluster[0].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(expected, (await mine.GetRoomsAsync().DefaultTimeout()).Order(StringComparer.Ordinal));
            }
        });
        Assert.Empty(own);

        // Another server has no truth for a: one pointer look-up, then its room set.
        var remote = await onOther.CountAsync(async () =>
        {
            var elsewhere = await cluster[1].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
            Assert.Equal(expected, (await elsewhere.GetRoomsAsync().DefaultTimeout()).Order(StringComparer.Ordinal));
        });
        Assert.Equal(1, remote.GetValueOrDefault("SMEMBERS"));

        // The truth follows leaves: the next answer no longer lists the room.
        await a.InvokeAsync("Unsubscribe", "lobby");
        Assert.Equal([a.Id], await a.InvokeAsync<string[]>("GetMyRooms"));
    }

    [Fact]
    public async Task Reading_another_servers_connection_sends_its_pointer_look_up_and_the_read_in_one_round_trip()
    {
        var prefix = "q" + Guid.NewGuid().ToString("N")[..10];
        await using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString).DefaultTimeout();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString).DefaultTimeout();
        await using var holder = RedisIndexNode.Create(redis.Server.ConnectionString, prefix);
        await using var asker = RedisIndexNode.Create(null, prefix, shared: shared);
        await holder.Store.AddConnectionAsync("", "theirs").DefaultTimeout();
        await holder.Store.AddToRoomAsync("theirs", "lobby").DefaultTimeout();
        await holder.Store.SetConnectionAttributeAsync("theirs", "name", "alice").DefaultTimeout();
        await asker.Store.AddConnectionAsync("", "mine").DefaultTimeout(); // the asker serves namespace "" too
        Assert.Null(await asker.Store.GetNamespaceAsync("nobody").DefaultTimeout());

        // Each read goes with the pointer look-up: it is sent before the look-up is answered.
        var rooms = await ProfileReadAsync(shared, admin, () => asker.Store.GetRoomsOfConnectionAsync("theirs"));
        Assert.Equal(["", "lobby"], rooms.Answer.Order(StringComparer.Ordinal));
        AssertSent(rooms, withLookUp: ["SMEMBERS"], afterAnswer: []);
        var attributes = await ProfileReadAsync(shared, admin, () => asker.Store.GetConnectionAttributesAsync("theirs"));
        Assert.Equal("alice", attributes.Answer["name"]);
        AssertSent(attributes, withLookUp: ["HGETALL"], afterAnswer: []);
        var ns = await ProfileReadAsync(shared, admin, () => asker.Store.GetNamespaceAsync("theirs"));
        Assert.Equal("", ns.Answer);
        AssertSent(ns, withLookUp: ["EXISTS"], afterAnswer: []);
        var membership = await ProfileReadAsync(shared, admin, () => asker.Store.GetMembershipAsync("theirs", "lobby"));
        Assert.Equal(new RoomMembership("", true), membership.Answer);
        AssertSent(membership, withLookUp: ["EXISTS", "SISMEMBER"], afterAnswer: []);
    }

    [Fact]
    public async Task A_server_that_guessed_not_the_connections_namespace_reads_it_after_the_pointer_and_answers_right()
    {
        var prefix = "q" + Guid.NewGuid().ToString("N")[..10];
        await using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString).DefaultTimeout();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString).DefaultTimeout();
        await using var holder = RedisIndexNode.Create(redis.Server.ConnectionString, prefix);
        await using var asker = RedisIndexNode.Create(null, prefix, shared: shared);
        await holder.Store.AddConnectionAsync("/chat", "theirs").DefaultTimeout();
        await holder.Store.AddToRoomAsync("theirs", "lobby").DefaultTimeout();
        await holder.Store.SetConnectionAttributeAsync("theirs", "name", "alice").DefaultTimeout();

        // The asker holds no connection (as a server that only sends through IHubContext): it has nothing to guess.
        await AssertReadsFollowThePointerAsync(asker, shared, admin, guessed: 0);

        // The asker serves four other namespaces, as many as it guesses, and only then the connection's: still no guess.
        string[] namespaces = ["", "/a", "/b", "/c", "/chat"];
        for (var i = 0; i < namespaces.Length; i++)
        {
            await asker.Store.AddConnectionAsync(namespaces[i], "mine" + i).DefaultTimeout();
        }

        await AssertReadsFollowThePointerAsync(asker, shared, admin, guessed: 4);
    }

    /// <summary>
    /// Reads connection "theirs" (namespace "/chat", in room "lobby", attribute name=alice) and an unknown one: the reads
    /// of the <paramref name="guessed"/> namespaces go with each pointer look-up, the read of "/chat" only after the
    /// pointer's answer (a second round trip), and every answer is right.
    /// </summary>
    private static async Task AssertReadsFollowThePointerAsync(RedisIndexNode asker, IConnectionMultiplexer shared, IConnectionMultiplexer admin, int guessed)
    {
        var rooms = await ProfileReadAsync(shared, admin, () => asker.Store.GetRoomsOfConnectionAsync("theirs"));
        Assert.Equal(["", "lobby"], rooms.Answer.Order(StringComparer.Ordinal));
        AssertSent(rooms, Times(guessed, "SMEMBERS"), ["SMEMBERS"]);
        var attributes = await ProfileReadAsync(shared, admin, () => asker.Store.GetConnectionAttributesAsync("theirs"));
        Assert.Equal("alice", Assert.Single(attributes.Answer).Value);
        AssertSent(attributes, Times(guessed, "HGETALL"), ["HGETALL"]);
        var ns = await ProfileReadAsync(shared, admin, () => asker.Store.GetNamespaceAsync("theirs"));
        Assert.Equal("/chat", ns.Answer);
        AssertSent(ns, Times(guessed, "EXISTS"), ["EXISTS"]);
        var member = await ProfileReadAsync(shared, admin, () => asker.Store.GetMembershipAsync("theirs", "lobby"));
        Assert.Equal(new RoomMembership("/chat", true), member.Answer);
        AssertSent(member, Times(guessed, "EXISTS", "SISMEMBER"), ["EXISTS", "SISMEMBER"]);
        var notMember = await ProfileReadAsync(shared, admin, () => asker.Store.GetMembershipAsync("theirs", "kitchen"));
        Assert.Equal(new RoomMembership("/chat", false), notMember.Answer);
        AssertSent(notMember, Times(guessed, "EXISTS", "SISMEMBER"), ["EXISTS", "SISMEMBER"]);
        var unknown = await ProfileReadAsync(shared, admin, () => asker.Store.GetNamespaceAsync("nobody"));
        Assert.Null(unknown.Answer);
        AssertSent(unknown, Times(guessed, "EXISTS"), []);
    }

    /// <summary>
    /// Runs one read of a connection while Redis holds every command for a while (so the pointer look-up's answer is
    /// late), and sorts the other commands it sent by when they were made: with the look-up (before half its wait), or
    /// after its answer (a second round trip). The read runs alone, so the commands are its own.
    /// </summary>
    private static async Task<(T Answer, string[] WithLookUp, string[] AfterAnswer)> ProfileReadAsync<T>(IConnectionMultiplexer shared, IConnectionMultiplexer admin, Func<Task<T>> read)
    {
        var session = new ProfilingSession();
        shared.RegisterProfiler(() => session);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "300", "ALL").DefaultTimeout();
        var answer = await read().DefaultTimeout();
        shared.RegisterProfiler(() => null);
        var commands = session.FinishProfiling().Where(c => c.RetransmissionOf is null).ToArray();
        var lookUp = Assert.Single(commands, c => c.Command == "HGET");
        var sent = lookUp.CommandCreated + lookUp.CreationToEnqueued + lookUp.EnqueuedToSending;
        var waitedFrom = sent + (lookUp.SentToResponse / 2);
        var reads = commands.Where(c => !ReferenceEquals(c, lookUp)).ToArray();
        return (answer, Sorted(reads.Where(c => c.CommandCreated < waitedFrom)), Sorted(reads.Where(c => c.CommandCreated >= waitedFrom)));

        static string[] Sorted(IEnumerable<IProfiledCommand> commands) => [.. commands.Select(c => c.Command).Order(StringComparer.Ordinal)];
    }

    private static void AssertSent<T>((T Answer, string[] WithLookUp, string[] AfterAnswer) read, string[] withLookUp, string[] afterAnswer)
    {
        Assert.Equal(withLookUp, read.WithLookUp);
        Assert.Equal(afterAnswer, read.AfterAnswer);
    }

    /// <summary>The commands of <paramref name="guesses"/> guessed reads, each sending <paramref name="commands"/>, in order.</summary>
    private static string[] Times(int guesses, params string[] commands)
        => [.. Enumerable.Range(0, guesses).SelectMany(_ => commands).Order(StringComparer.Ordinal)];

    private static void AssertOneScriptPerQuery(Dictionary<string, int> sent, int queries)
    {
        Assert.Equal(queries, sent.GetValueOrDefault("EVALSHA") + sent.GetValueOrDefault("EVAL"));
        Assert.Equal(queries, sent.Values.Sum()); // nothing else: no HGET of the name, no second round trip
    }
}
