using BenchmarkDotNet.Attributes;

namespace RoomFacade.Benchmarks;

/// <summary>
/// join, leave and disconnect through the index, for connections holding 1, 10 or 100 rooms. Each iteration runs a
/// batch prepared by its [IterationSetup] on a fresh store; calls are sequential (latency, not throughput: the load
/// driver measures throughput at concurrency). Rooms come from a pool of 1,000.
/// </summary>
[Config(typeof(BatchConfig))]
public class MembershipBenchmarks
{
    /// <summary>Joins (or leaves) per iteration, whatever the rooms per connection.</summary>
    public const int ChangesPerIteration = 10_000;

    /// <summary>Disconnects per iteration; each removes the connection from its RoomsPerConnection rooms and the catch-all.</summary>
    public const int DisconnectsPerIteration = 500;

    private const int RoomPool = 1_000;
    private static readonly string[] Rooms = StoreHarness.RoomNames(RoomPool);

    private StoreHarness? _harness;
    private string[] _ids = [];
    private string[][] _roomsOf = [];

    [Params(StoreHarness.InMemory, StoreHarness.Redis)]
    public string Store { get; set; } = StoreHarness.InMemory;

    [Params(1, 10, 100)]
    public int RoomsPerConnection { get; set; } = 1;

    [IterationSetup(Target = nameof(Join))]
    public void SetUpJoin() => Prepare(ChangesPerIteration / RoomsPerConnection, joined: false);

    [IterationSetup(Target = nameof(Leave))]
    public void SetUpLeave() => Prepare(ChangesPerIteration / RoomsPerConnection, joined: true);

    [IterationSetup(Target = nameof(Disconnect))]
    public void SetUpDisconnect() => Prepare(DisconnectsPerIteration, joined: true);

    [IterationCleanup]
    public void CleanUp()
    {
        _harness?.Dispose();
        _harness = null;
    }

    /// <summary>socket.join(room): time per join.</summary>
    [Benchmark(OperationsPerInvoke = ChangesPerIteration)]
    public async Task Join()
    {
        var store = _harness!.Store;
        for (var i = 0; i < _ids.Length; i++)
        {
            foreach (var room in _roomsOf[i])
            {
                await store.AddToRoomAsync(_ids[i], room);
            }
        }
    }

    /// <summary>socket.leave(room): time per leave.</summary>
    [Benchmark(OperationsPerInvoke = ChangesPerIteration)]
    public async Task Leave()
    {
        var store = _harness!.Store;
        for (var i = 0; i < _ids.Length; i++)
        {
            foreach (var room in _roomsOf[i])
            {
                await store.RemoveFromRoomAsync(_ids[i], room);
            }
        }
    }

    /// <summary>Disconnect: removes the connection from all its rooms; time per disconnect.</summary>
    [Benchmark(OperationsPerInvoke = DisconnectsPerIteration)]
    public async Task Disconnect()
    {
        var store = _harness!.Store;
        foreach (var id in _ids)
        {
            await store.RemoveConnectionAsync(id);
        }
    }

    private void Prepare(int connections, bool joined)
    {
        _harness = StoreHarness.Create(Store);
        _ids = StoreHarness.ConnectionIds(connections);
        _roomsOf = new string[connections][];
        for (var c = 0; c < connections; c++)
        {
            _roomsOf[c] = new string[RoomsPerConnection];
            for (var k = 0; k < RoomsPerConnection; k++)
            {
                _roomsOf[c][k] = Rooms[((c * RoomsPerConnection) + k) % RoomPool];
            }
        }

        _harness.Register(_ids);
        if (joined)
        {
            _harness.JoinAll(_ids, _roomsOf);
        }
    }
}
