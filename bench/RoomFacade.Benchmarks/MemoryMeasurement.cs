using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Benchmarks;

/// <summary>
/// Bytes per membership (connection-room pair). 10,000 connections each join 10 rooms out of 1,000 (rooms of 100
/// members): 100,000 pairs. Ids and room names are allocated before the first measurement (SignalR and the app own
/// those strings), so the deltas are the index's own structures.
/// <list type="bullet">
/// <item>In-memory store: GC heap (<see cref="GC.GetTotalMemory(bool)"/> after full blocking collections) before, after
/// registering the connections, after the joins.</item>
/// <item>Redis store: <c>INFO memory</c> used_memory of the redis-server at the same points, and the GC heap of the
/// Redis store's own local truth (each server keeps its connections' rooms).</item>
/// <item>Raw Redis floor: the same two-way index written as bare SADDs (<c>c:{id}</c> -&gt; rooms, <c>r:{room}</c> -&gt; ids).</item>
/// </list>
/// </summary>
internal static class MemoryMeasurement
{
    public const int Connections = 10_000;
    public const int RoomsPerConnection = 10;
    public const int RoomPool = 1_000;
    public const int Pairs = Connections * RoomsPerConnection;

    public static MemoryResult Run()
    {
        var ids = StoreHarness.ConnectionIds(Connections);
        var rooms = StoreHarness.RoomNames(RoomPool);
        var roomsOf = new string[Connections][];
        for (var c = 0; c < Connections; c++)
        {
            roomsOf[c] = [.. Enumerable.Range(0, RoomsPerConnection).Select(k => rooms[((c * RoomsPerConnection) + k) % RoomPool])];
        }

        // In-memory store: GC heap deltas.
        var heap0 = Heap();
        var inMemory = StoreHarness.Create(StoreHarness.InMemory);
        inMemory.Register(ids);
        var heap1 = Heap();
        inMemory.JoinAll(ids, roomsOf);
        var heap2 = Heap();
        GC.KeepAlive(inMemory);
        var memory = Deltas(heap0, heap1, heap2);
        inMemory.Dispose();
        inMemory = null;

        // Redis store: used_memory deltas, and the GC heap the store keeps locally.
        StoreHarness.FlushAll();
        var redis = StoreHarness.Create(StoreHarness.Redis);
        redis.Register(ids[..1]); // connect, load the scripts, register the server: fixed costs outside the deltas
        redis.Store.RemoveConnectionAsync(ids[0]).GetAwaiter().GetResult();
        var used0 = StoreHarness.RedisUsedMemory();
        var rheap0 = Heap();
        redis.Register(ids);
        var used1 = StoreHarness.RedisUsedMemory();
        var rheap1 = Heap();
        redis.JoinAll(ids, roomsOf);
        var used2 = StoreHarness.RedisUsedMemory();
        var rheap2 = Heap();
        GC.KeepAlive(redis);
        var redisMemory = Deltas(used0, used1, used2, local: Deltas(rheap0, rheap1, rheap2));
        redis.Dispose();

        // Raw Redis floor: the same pairs as two plain sets per pair, written with pipelined SADDs.
        StoreHarness.FlushAll();
        var db = StoreHarness.Admin.GetDatabase();
        var raw0 = StoreHarness.RedisUsedMemory();
        for (var c = 0; c < Connections; c++)
        {
            db.SetAdd("c:" + ids[c], string.Empty, CommandFlags.FireAndForget);
            db.SetAdd("r:", ids[c], CommandFlags.FireAndForget);
        }

        db.Ping();
        var raw1 = StoreHarness.RedisUsedMemory();
        for (var c = 0; c < Connections; c++)
        {
            foreach (var room in roomsOf[c])
            {
                db.SetAdd("c:" + ids[c], room, CommandFlags.FireAndForget);
                db.SetAdd("r:" + room, ids[c], CommandFlags.FireAndForget);
            }
        }

        db.Ping();
        var raw2 = StoreHarness.RedisUsedMemory();
        var rawMemory = Deltas(raw0, raw1, raw2);
        StoreHarness.FlushAll();

        var info = StoreHarness.Admin.GetServer(StoreHarness.RedisServer.Configuration).Info("server")
            .SelectMany(g => g).FirstOrDefault(p => p.Key == "redis_version").Value ?? "?";
        return new MemoryResult(Connections, RoomsPerConnection, RoomPool, Pairs, memory, redisMemory, rawMemory, info);
    }

    /// <summary>From the memory before registering, after registering and after joining: per connection, per membership, all-in.</summary>
    private static StoreMemory Deltas(long before, long registered, long joined, StoreMemory? local = null)
        => new(Bytes(before, registered, Connections), Bytes(registered, joined, Pairs), Bytes(before, joined, Pairs), local);

    private static double Bytes(long before, long after, int count) => (after - before) / (double)count;

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Bytes per connection (registration), per membership (join only), and per membership all-in (registration included).</summary>
internal sealed record StoreMemory(double BytesPerConnection, double BytesPerMembership, double BytesPerMembershipAllIn, StoreMemory? LocalHeap);

internal sealed record MemoryResult(
    int Connections,
    int RoomsPerConnection,
    int RoomPool,
    int Memberships,
    StoreMemory InMemory,
    StoreMemory Redis,
    StoreMemory RawRedisSets,
    string RedisVersion);
