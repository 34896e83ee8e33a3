using BenchmarkDotNet.Attributes;
using RoomFacade.Redis;
using StackExchange.Redis;

namespace RoomFacade.Benchmarks;

/// <summary>
/// The floor under the Redis store's figures: the same round trips made directly with StackExchange.Redis on a
/// multiplexer of its own, against the same redis-server, one call at a time like the store benchmarks. The store's
/// join/leave minus <see cref="EvalJoinLeave"/> is what the store adds around its script; its GetMembersAsync minus
/// <see cref="SMembers10"/> what it adds around SMEMBERS.
/// </summary>
[Config(typeof(QueryConfig))]
public class RawRedisBenchmarks
{
    private const string Prefix = "rawbench:{t}:";
    private ConnectionMultiplexer? _multiplexer;
    private IDatabase _db = null!;
    private RedisKey[] _scriptKeys = [];
    private RedisValue[] _scriptArgs = [];

    [GlobalSetup]
    public void SetUp()
    {
        StoreHarness.FlushAll();
        _multiplexer = ConnectionMultiplexer.Connect(StoreHarness.RedisServer.Configuration);
        _db = _multiplexer.GetDatabase();
        var ids = StoreHarness.ConnectionIds(10);
        foreach (var id in ids)
        {
            _db.SetAdd(Prefix + "r:room", id);
        }

        // The join/leave scripts of the index, on keys shaped like the index's (one hash tag), for a connection that exists.
        _scriptKeys = [Prefix + "c:" + ids[0], Prefix + "r:other", Prefix + "rooms"];
        _scriptArgs = [ids[0], "other"];
        _db.SetAdd(_scriptKeys[0], string.Empty);
    }

    [GlobalCleanup]
    public void CleanUp() => _multiplexer?.Dispose();

    /// <summary>One round trip, nothing done: PING.</summary>
    [Benchmark]
    public Task<TimeSpan> Ping() => _db.PingAsync();

    /// <summary>SADD of an existing member (one round trip).</summary>
    [Benchmark]
    public Task<bool> SAdd() => _db.SetAddAsync(Prefix + "r:room", "member");

    /// <summary>SMEMBERS of a 10-member set: the floor of clients(room) for a room of 10.</summary>
    [Benchmark]
    public async Task<int> SMembers10() => (await _db.SetMembersAsync(Prefix + "r:room")).Length;

    /// <summary>The index's Join then Leave Lua scripts (EVALSHA), straight through StackExchange.Redis: time per script.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public async Task EvalJoinLeave()
    {
        await _db.ScriptEvaluateAsync(RedisScripts.Join, _scriptKeys, _scriptArgs);
        await _db.ScriptEvaluateAsync(RedisScripts.Leave, _scriptKeys, _scriptArgs);
    }
}
