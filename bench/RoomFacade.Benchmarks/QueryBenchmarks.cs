using BenchmarkDotNet.Attributes;

namespace RoomFacade.Benchmarks;

/// <summary>clients(room): <c>GetMembersAsync</c> of one room of 10, 1,000 or 10,000 members.</summary>
[Config(typeof(QueryConfig))]
public class MembersBenchmarks
{
    private StoreHarness? _harness;

    [Params(StoreHarness.InMemory, StoreHarness.Redis)]
    public string Store { get; set; } = StoreHarness.InMemory;

    [Params(10, 1_000, 10_000)]
    public int Members { get; set; } = 10;

    [GlobalSetup]
    public void SetUp()
    {
        _harness = StoreHarness.Create(Store);
        var ids = StoreHarness.ConnectionIds(Members);
        _harness.Register(ids);
        _harness.JoinAll(ids, [.. ids.Select(_ => new[] { "room" })]);
    }

    [GlobalCleanup]
    public void CleanUp() => _harness?.Dispose();

    [Benchmark]
    public async Task<int> GetMembers() => (await _harness!.Store.GetMembersAsync(string.Empty, "room")).Count;
}

/// <summary>
/// manager.rooms: <c>GetRoomsAsync</c> of a namespace with 10,000 rooms of one member each (10,000 connections, each in
/// a room of its own), plus the catch-all room of all 10,000; every room is returned with its members.
/// </summary>
[Config(typeof(QueryConfig))]
public class RoomsBenchmarks
{
    public const int RoomCount = 10_000;

    private StoreHarness? _harness;

    [Params(StoreHarness.InMemory, StoreHarness.Redis)]
    public string Store { get; set; } = StoreHarness.InMemory;

    [GlobalSetup]
    public void SetUp()
    {
        _harness = StoreHarness.Create(Store);
        var ids = StoreHarness.ConnectionIds(RoomCount);
        var rooms = StoreHarness.RoomNames(RoomCount);
        _harness.Register(ids);
        _harness.JoinAll(ids, [.. rooms.Select(r => new[] { r })]);
    }

    [GlobalCleanup]
    public void CleanUp() => _harness?.Dispose();

    [Benchmark]
    public async Task<int> GetRooms() => (await _harness!.Store.GetRoomsAsync(string.Empty)).Count;
}
