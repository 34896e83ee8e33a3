using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>
/// Crashes and Redis faults with real parts. The servers run with ServerTimeout 3 s, heartbeat 0.5 s and operation
/// timeout 2 s (see <see cref="ScaleOutCluster.ServerArgs"/>), so each bound below is a few seconds.
/// </summary>
public abstract class FaultEndToEndTests(string backplane) : IAsyncLifetime
{
    // Crash: ServerTimeout (3 s) + sweep interval (0.5 s) + slack for a loaded 2-core machine.
    private static readonly TimeSpan CrashBound = TimeSpan.FromSeconds(12);

    // Data loss: reconnect (linear 0.5 s retries) + heartbeat (0.5 s) + re-publish, with slack.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    // Redis down: operation timeout 2 s (+ SignalR's own rollback), with slack.
    private static readonly TimeSpan FailFastBound = TimeSpan.FromSeconds(8);

    private RedisServer _redis = null!;
    private readonly List<IAsyncDisposable> _disposables = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    private async Task<T> Track<T>(Task<T> task)
        where T : IAsyncDisposable
    {
        var value = await task;
        _disposables.Add(value);
        return value;
    }

    private static async Task<bool> RoomsEqualAsync(IRoomManager rooms, IReadOnlyDictionary<string, IReadOnlyCollection<string>> expected)
    {
        try
        {
            var actual = await rooms.Manager.GetRoomsAsync().DefaultTimeout();
            return actual.Count == expected.Count && expected.All(p => actual.TryGetValue(p.Key, out var m) && m.Order().SequenceEqual(p.Value.Order()));
        }
        catch (RoomStoreException)
        {
            return false; // Redis still coming back
        }
    }

    [Fact]
    public async Task A_killed_servers_connections_leave_every_room_within_the_server_timeout()
    {
        var cluster = await Track(ScaleOutCluster.StartAsync(_redis, 1, ScaleOutCluster.Backplane(backplane)));
        var doomed = await Track(ChatRoomsProcess.StartAsync([.. ScaleOutCluster.ServerArgs(_redis, cluster.KeyPrefix), .. ScaleOutCluster.Backplane(backplane)]));
        var a = await Track(TestChatClient.ConnectAsync(cluster[0].BaseUrl));
        var x = await Track(TestChatClient.ConnectAsync(doomed.BaseUrl));
        var y = await Track(TestChatClient.ConnectAsync(doomed.BaseUrl));
        var z = await Track(TestChatClient.ConnectAsync(doomed.BaseUrl, "/news"));
        await a.InvokeAsync("Subscribe", "lobby");
        await x.InvokeAsync("Subscribe", "lobby");
        await x.InvokeAsync("Subscribe", "doomed");
        await y.InvokeAsync("Subscribe", "doomed");
        await z.InvokeAsync("Subscribe", "sports");
        var rooms = cluster[0].Rooms;
        SetAssert.Equal([a.Id, x.Id], await rooms.GetMembersAsync("", "lobby").DefaultTimeout());
        SetAssert.Equal(["", "/lobby", "/doomed", "/news", "/news/sports"], (await rooms.Manager.GetRoomsAsync().DefaultTimeout()).Keys);

        var deadId = x.Id;
        await doomed.KillAsync();

        var expected = new Dictionary<string, IReadOnlyCollection<string>> { [""] = [a.Id], ["/lobby"] = [a.Id] };
        await TaskTimeoutExtensions.WaitUntilAsync(() => RoomsEqualAsync(rooms, expected), CrashBound, "the killed server's connections are swept");
        SetAssert.Equal(["", "lobby"], await rooms.GetRoomsOfAsync(a.Id).DefaultTimeout());
        await Assert.ThrowsAsync<UnknownConnectionException>(() => rooms.GetRoomsOfAsync(deadId).DefaultTimeout());
    }

    [Fact]
    public async Task A_server_listens_at_once_while_Redis_is_down()
    {
        await _redis.StopAsync();
        var prefix = "e2e" + Guid.NewGuid().ToString("N")[..10];
        var started = System.Diagnostics.Stopwatch.StartNew();

        // OperationTimeout 20 s: before the fix the server began listening only after it. The margin is wide because
        // this machine may be loaded; listening "at once" means long before OperationTimeout.
        var server = await Track(ScaleOutCluster.StartServerAsync(_redis, prefix, ["--RoomFacade:Redis:OperationTimeout=00:00:20", .. ScaleOutCluster.Backplane(backplane)]));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(12), $"Kestrel listened after {started.Elapsed}, not long before OperationTimeout (20 s).");
        using var http = new HttpClient();
        var health = await http.GetAsync(server.BaseUrl + "/healthz").DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode); // listening, and honest about Redis
    }

    [Fact]
    public async Task A_server_that_started_while_Redis_was_down_hears_other_servers_requests_once_Redis_is_up()
    {
        await _redis.StopAsync();
        var prefix = "e2e" + Guid.NewGuid().ToString("N")[..10];
        var late = await Track(ScaleOutCluster.StartServerAsync(_redis, prefix, ScaleOutCluster.Backplane(backplane)));
        await _redis.StartProcessAsync();
        var other = await Track(ScaleOutCluster.StartServerAsync(_redis, prefix, ScaleOutCluster.Backplane(backplane)));

        // The late server subscribes its request channel at a heartbeat once Redis answers.
        var channel = $"{prefix}:srv:{late.Services.GetRequiredService<RedisRoomMembershipStore>().ServerId}";
        await using var admin = await _redis.ConnectAsync();
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => (long)(await admin.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel).DefaultTimeout())[1] == 1,
            RecoveryBound,
            "the late server listens on its channel");

        TestChatClient? x = null;
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () =>
            {
                try
                {
                    x = await TestChatClient.ConnectAsync(late.BaseUrl);
                    return true;
                }
                catch (Exception ex) when (ex is not TimeoutException)
                {
                    return false; // refused while the late server's Redis connection comes back
                }
            },
            RecoveryBound,
            "a client connects to the late server");
        _disposables.Add(x!);

        // Another server's join of the late server's connection is a request the late server must answer, and its own
        // truth learns the room: after FLUSHALL it re-publishes that truth, room included.
        await other.Rooms.JoinAsync(x!.Id, "asked").DefaultTimeout(FailFastBound);
        SetAssert.Equal([x.Id], await other.Rooms.GetMembersAsync("", "asked").DefaultTimeout());
        await admin.GetServer(_redis.ConnectionString).FlushAllDatabasesAsync().DefaultTimeout();
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => (await other.Rooms.GetMembersAsync("", "asked").DefaultTimeout()).Count == 1,
            RecoveryBound,
            "the late server re-publishes the room it was asked to join");
    }

    private async Task<(ScaleOutCluster Cluster, TestChatClient A, TestChatClient B, TestChatClient N, IReadOnlyDictionary<string, IReadOnlyCollection<string>> Truth)> ArrangeTwoServersAsync()
    {
        var cluster = await Track(ScaleOutCluster.StartAsync(_redis, 2, ScaleOutCluster.Backplane(backplane)));
        var a = await Track(TestChatClient.ConnectAsync(cluster[0].BaseUrl));
        var b = await Track(TestChatClient.ConnectAsync(cluster[1].BaseUrl));
        var n = await Track(TestChatClient.ConnectAsync(cluster[1].BaseUrl, "/news"));
        await a.InvokeAsync("Subscribe", "lobby");
        await a.InvokeAsync("Subscribe", "x");
        await b.InvokeAsync("Subscribe", "lobby");
        await n.InvokeAsync("Subscribe", "sports");
        await cluster[0].Rooms.JoinAsync(b.Id, "vip").DefaultTimeout(); // b is held by server 1: its truth must learn it
        var truth = await cluster[0].Rooms.Manager.GetRoomsAsync().DefaultTimeout();
        SetAssert.Equal(["", "/lobby", "/x", "/vip", "/news", "/news/sports"], truth.Keys);
        return (cluster, a, b, n, truth);
    }

    [Fact]
    public async Task After_Redis_restarts_empty_the_index_converges_back_without_reconnecting()
    {
        var (cluster, a, b, _, truth) = await ArrangeTwoServersAsync();

        await _redis.RestartEmptyAsync();

        foreach (var server in cluster.Servers)
        {
            await TaskTimeoutExtensions.WaitUntilAsync(() => RoomsEqualAsync(server.Rooms, truth), RecoveryBound, "the index is re-published after the restart");
        }

        // Messaging works again too (SignalR's backplane re-subscribes on its own).
        await TaskTimeoutExtensions.WaitUntilAsync(async () =>
        {
            await a.InvokeAsync("EmitToRoom", "vip", "ping");
            return b.DrainReceived().Any(m => m.Text == "ping");
        }, RecoveryBound, "room messages flow after the restart");
    }

    [Fact]
    public async Task After_FLUSHALL_the_index_converges_back()
    {
        var (cluster, _, _, _, truth) = await ArrangeTwoServersAsync();
        await using (var mux = await _redis.ConnectAsync())
        {
            await mux.GetServer(_redis.ConnectionString).FlushAllDatabasesAsync().DefaultTimeout();
        }

        // No assertion that the index is empty now: a heartbeat may already be re-publishing.
        foreach (var server in cluster.Servers)
        {
            await TaskTimeoutExtensions.WaitUntilAsync(() => RoomsEqualAsync(server.Rooms, truth), RecoveryBound, "the index is re-published after FLUSHALL");
        }
    }

    [Fact]
    public async Task While_Redis_is_down_operations_fail_fast_and_leave_nothing_behind_then_recover()
    {
        var (cluster, a, _, _, truth) = await ArrangeTwoServersAsync();

        await _redis.StopAsync();

        var join = await Assert.ThrowsAsync<HubException>(() => a.InvokeAsync("Subscribe", "while-down").DefaultTimeout(FailFastBound));
        Assert.Contains("Redis", join.Message);
        var query = await Assert.ThrowsAsync<RoomStoreException>(() => cluster[0].Rooms.GetMembersAsync("", "lobby").DefaultTimeout(FailFastBound));
        Assert.Contains("OperationTimeout", query.Message);
        await Assert.ThrowsAsync<RoomStoreException>(() => cluster[1].Rooms.Manager.GetRoomsAsync().DefaultTimeout(FailFastBound));

        await _redis.StartProcessAsync(); // empty: data lost as well

        foreach (var server in cluster.Servers)
        {
            await TaskTimeoutExtensions.WaitUntilAsync(() => RoomsEqualAsync(server.Rooms, truth), RecoveryBound, "the index equals the truth again, without the failed join");
        }

        await a.InvokeAsync("Subscribe", "after");
        SetAssert.Equal([a.Id], await cluster[1].Rooms.GetMembersAsync("", "after").DefaultTimeout());
    }
}
