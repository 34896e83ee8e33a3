using RoomFacade.Stores;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// The server registry with two index nodes on one real Redis, driven step by step (no background loop, no host):
/// lost registrations, sweeps racing heartbeats and partitions that heal late, each ending with every live connection
/// listed again.
/// </summary>
public sealed class ServerRegistryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan FastTimeout = TimeSpan.FromSeconds(1);
    private readonly string _prefix = "reg" + Guid.NewGuid().ToString("N")[..8];

    public enum Heal
    {
        /// <summary>The held bytes are delivered late; the TCP connection survives (no ConnectionRestored).</summary>
        LateDelivery,

        /// <summary>The connections are reset; StackExchange.Redis reconnects.</summary>
        Reset,
    }

    [Theory]
    [InlineData(Heal.LateDelivery)]
    [InlineData(Heal.Reset)]
    public async Task A_server_swept_during_a_partition_republishes_after_the_heal(Heal heal)
    {
        await using var proxy = new TcpProxy(redis.Server.Port);
        await using var a = Node(redis.Server.ConnectionString);
        await using var b = Node(proxy.ConnectionString);
        await StartAsync(a, b);
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();
        await b.Store.AddToRoomAsync("b1", "lobby").DefaultTimeout();

        proxy.Hold();
        await MarkDeadAsync(a, b.ServerId);
        await a.Maintenance.SweepAsync(CancellationToken.None).DefaultTimeout();
        Assert.Empty(await a.Store.GetMembersAsync(string.Empty, "lobby").DefaultTimeout());

        // B's heartbeat times out: its answer, whatever it says, goes nowhere.
        await Assert.ThrowsAsync<RoomStoreException>(() => b.Maintenance.BeatAsync(CancellationToken.None)).DefaultTimeout();
        if (heal == Heal.LateDelivery)
        {
            proxy.Release();
            await TaskTimeoutExtensions.WaitUntilAsync(async () => (await a.Registry.GetServersAsync(CancellationToken.None)).Any(s => s.Id == b.ServerId), because: "B's late heartbeat re-registered it");
        }
        else
        {
            proxy.Reset();
        }

        // The next heartbeat that gets an answer re-publishes (after a reset, the first ones may fail while reconnecting).
        await b.BeatUntilAnsweredAsync();
        Assert.Equal(["b1"], await a.Store.GetMembersAsync(string.Empty, "lobby").DefaultTimeout());
        Assert.Equal(string.Empty, await a.Store.GetNamespaceAsync("b1").DefaultTimeout());
    }

    [Fact]
    public async Task A_sweep_racing_a_live_servers_heartbeat_does_not_leave_it_registered_but_unlisted()
    {
        await using var a = Node(redis.Server.ConnectionString);
        await using var b = Node(redis.Server.ConnectionString);
        await StartAsync(a, b);
        await b.Store.AddConnectionAsync("/news", "b1").DefaultTimeout();
        await b.Store.AddToRoomAsync("b1", "sport").DefaultTimeout();

        // A finds B dead and removes its connections; B beats before A forgets it, so A keeps B's registration.
        await MarkDeadAsync(a, b.ServerId);
        await new IndexSweeper(a.Runner, a.Store.Keys).SweepServerAsync(b.ServerId, ["/news"], CancellationToken.None).DefaultTimeout();
        Assert.Empty(await a.Store.GetMembersAsync("/news", "sport").DefaultTimeout());
        await b.Maintenance.BeatAsync(CancellationToken.None).DefaultTimeout();
        Assert.Empty(await a.Registry.SweepAsync(CancellationToken.None).DefaultTimeout());
        Assert.Contains(await a.Registry.GetServersAsync(CancellationToken.None).DefaultTimeout(), s => s.Id == b.ServerId);

        // ... and B's next heartbeat has already re-published what the sweep removed.
        Assert.Equal(["b1"], await a.Store.GetMembersAsync("/news", "sport").DefaultTimeout());
    }

    [Fact]
    public async Task Redis_restarted_empty_is_repaired_by_the_next_heartbeat_whatever_its_predecessor_answered()
    {
        await using var a = Node(redis.Server.ConnectionString);
        await StartAsync(a);
        await a.Store.AddConnectionAsync(string.Empty, "a1").DefaultTimeout();
        await a.Store.AddToRoomAsync("a1", "lobby").DefaultTimeout();
        await a.Store.SetConnectionAttributeAsync("a1", "user", "ann").DefaultTimeout();

        await DeleteKeysAsync(a);
        await a.Maintenance.BeatAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(["a1"], await a.Store.GetMembersAsync(string.Empty, "lobby").DefaultTimeout());
        Assert.Equal("ann", (await a.Store.GetConnectionAttributesAsync("a1").DefaultTimeout())["user"]);
        Assert.False(a.Registry.RepublishPending);
    }

    [Fact]
    public async Task A_sweep_reports_each_dead_server_on_its_own_and_removes_thousands_of_connections_in_batches()
    {
        await using var a = Node(redis.Server.ConnectionString);
        await using var b = Node(redis.Server.ConnectionString);
        await using var c = Node(redis.Server.ConnectionString);
        await StartAsync(a, b, c);
        const int Many = 1_000;
        await Task.WhenAll(Enumerable.Range(0, Many).Select(async i =>
        {
            await b.Store.AddConnectionAsync(i % 2 == 0 ? string.Empty : "/news", $"b{i}");
            await b.Store.AddToRoomAsync($"b{i}", $"room{i % 50}");
        })).DefaultTimeout();
        await c.Store.AddConnectionAsync(string.Empty, "c1").DefaultTimeout();
        await c.Store.AddToRoomAsync("c1", "room0").DefaultTimeout();

        var before = await CommandCallsAsync();
        await MarkDeadAsync(a, b.ServerId);
        await MarkDeadAsync(a, c.ServerId);
        var swept = await a.Registry.SweepAsync(CancellationToken.None).DefaultTimeout();
        var after = await CommandCallsAsync();

        Assert.Equal(Many, swept.Single(s => s.ServerId == b.ServerId).Result.Connections.Count);
        Assert.Single(swept.Single(s => s.ServerId == c.ServerId).Result.Connections);
        Assert.Empty(await a.Store.GetRoomsAsync(string.Empty).DefaultTimeout());
        Assert.Empty(await a.Store.GetRoomsAsync("/news").DefaultTimeout());
        Assert.Null(await a.Store.GetNamespaceAsync("b7").DefaultTimeout());

        // Batches of 256: a few scripts per batch, not three round trips per connection.
        Assert.True(after - before < 60, $"the sweep ran {after - before} script calls for {Many + 1} connections");
    }

    private RedisIndexNode Node(string configuration) => RedisIndexNode.Create(configuration, _prefix, o =>
    {
        o.OperationTimeout = FastTimeout;
        o.ServerTimeout = TimeSpan.FromSeconds(30);
    });

    private static async Task StartAsync(params RedisIndexNode[] nodes)
    {
        foreach (var node in nodes)
        {
            // The first connection of a cold test process can take longer than the short operation timeout.
            await node.BeatUntilAnsweredAsync();
        }
    }

    /// <summary>Moves a server's last heartbeat far into the past: for every other server it is now dead.</summary>
    private static async Task MarkDeadAsync(RedisIndexNode observer, string serverId)
    {
        var multiplexer = await observer.Connection.GetAsync();
        await multiplexer.GetDatabase().SortedSetAddAsync(observer.Store.Keys.Servers, serverId, 1).DefaultTimeout();
    }

    private async Task DeleteKeysAsync(RedisIndexNode node)
    {
        var multiplexer = await node.Connection.GetAsync();
        var server = multiplexer.GetServers().Single();
        var db = multiplexer.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: _prefix + ":*"))
        {
            await db.KeyDeleteAsync(key).DefaultTimeout();
        }
    }

    private async Task<long> CommandCallsAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString + ",allowAdmin=true").DefaultTimeout();
        var info = await admin.GetServers().Single().InfoAsync("commandstats").DefaultTimeout();
        return info.SelectMany(g => g).Where(p => p.Key is "cmdstat_evalsha" or "cmdstat_eval").Sum(p => long.Parse(p.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
