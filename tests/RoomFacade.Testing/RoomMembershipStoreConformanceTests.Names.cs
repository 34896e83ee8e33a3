using Xunit;

namespace RoomFacade.Testing;

/// <summary>The conformance suite's facts about names and namespaces (any text, exact, isolated) and concurrency.</summary>
public abstract partial class RoomMembershipStoreConformanceTests
{
    [Fact]
    public async Task Namespaces_are_isolated()
    {
        var a = NewId();
        var b = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("/news", b).DefaultTimeout();
        await Store.AddToRoomAsync(a, "room").DefaultTimeout();
        await Store.AddToRoomAsync(b, "room").DefaultTimeout();

        Assert.Equal("/news", await Store.GetNamespaceAsync(b).DefaultTimeout());
        Assert.Equal([a], await Store.GetMembersAsync("", "room").DefaultTimeout());
        Assert.Equal([b], await Store.GetMembersAsync("/news", "room").DefaultTimeout());
        Assert.Equal([a], await Store.GetMembersAsync("", "").DefaultTimeout());
        Assert.Equal([b], await Store.GetMembersAsync("/news", "").DefaultTimeout());
        Assert.Empty(await Store.GetMembersAsync("/other", "").DefaultTimeout());
    }

    public static TheoryData<string> AwkwardNames => new()
    {
        "a:b", "{tag}", "}{", "*", "?[]", "with space", "ünïcødé ✓ 房间", "r/1", "/leading", "trailing/", "\\", "\"quoted\"",
        "x:{ns:}:r:y", "line\nbreak", "tab\t", "%s", "a\u0000b", new string('x', 256),
    };

    [Theory]
    [MemberData(nameof(AwkwardNames))]
    public async Task Any_room_name_round_trips_without_collision(string room)
    {
        var a = NewId();
        var b = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();
        await Store.AddToRoomAsync(a, room).DefaultTimeout();
        await Store.AddToRoomAsync(b, room + "x").DefaultTimeout();

        Assert.Equal([a], await Store.GetMembersAsync("", room).DefaultTimeout());
        Assert.Equal([b], await Store.GetMembersAsync("", room + "x").DefaultTimeout());
        SetAssert.Equal(["", room], await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
        SetAssert.Equal(["", room, room + "x"], (await Store.GetRoomsAsync("").DefaultTimeout()).Keys);

        await Store.RemoveFromRoomAsync(a, room).DefaultTimeout();
        SetAssert.Equal(["", room + "x"], (await Store.GetRoomsAsync("").DefaultTimeout()).Keys);
    }

    [Theory]
    [MemberData(nameof(AwkwardNames))]
    public async Task Any_connection_id_and_namespace_round_trip(string text)
    {
        var id = "id-" + text;
        var ns = "/" + text;
        await Store.AddConnectionAsync(ns, id).DefaultTimeout();
        await Store.AddToRoomAsync(id, text).DefaultTimeout();

        Assert.Equal(ns, await Store.GetNamespaceAsync(id).DefaultTimeout());
        Assert.Equal([id], await Store.GetMembersAsync(ns, text).DefaultTimeout());
        Assert.Empty(await Store.GetMembersAsync("", text).DefaultTimeout());
        SetAssert.Equal(["", text], await Store.GetRoomsOfConnectionAsync(id).DefaultTimeout());

        await Store.RemoveConnectionAsync(id).DefaultTimeout();
        Assert.Empty(await Store.GetRoomsAsync(ns).DefaultTimeout());
    }

    [Fact]
    public async Task Manager_rooms_lists_every_room_and_member_of_a_namespace_with_many_rooms()
    {
        // Hundreds of rooms of different sizes: a store that reads them in steps (pipelines, batches) must still return all.
        const int roomCount = 700;
        var ids = Enumerable.Range(0, 7).Select(_ => NewId()).ToArray();
        foreach (var id in ids)
        {
            await Store.AddConnectionAsync("/many", id).DefaultTimeout();
        }

        var expected = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [""] = [.. ids] };
        for (var r = 0; r < roomCount; r++)
        {
            // Room r has the members whose index divides r + 1: sizes differ from room to room.
            var room = "room-" + r;
            expected[room] = [];
            for (var i = 0; i < ids.Length; i++)
            {
                if ((r + 1) % (i + 1) == 0)
                {
                    await Store.AddToRoomAsync(ids[i], room).DefaultTimeout();
                    expected[room].Add(ids[i]);
                }
            }
        }

        await Store.RemoveFromRoomAsync(ids[0], "room-3").DefaultTimeout();
        expected["room-3"].Remove(ids[0]);
        await Store.RemoveFromRoomAsync(ids[0], "room-0").DefaultTimeout();
        expected.Remove("room-0"); // its only member left

        var rooms = await Store.GetRoomsAsync("/many").DefaultTimeout();

        SetAssert.Equal(expected.Keys, rooms.Keys);
        foreach (var (room, members) in expected)
        {
            SetAssert.Equal(members, rooms[room]);
        }
    }

    [Fact]
    public async Task Room_names_are_case_sensitive_and_exact()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddToRoomAsync(a, "Room").DefaultTimeout();

        Assert.Empty(await Store.GetMembersAsync("", "room").DefaultTimeout());
        Assert.Empty(await Store.GetMembersAsync("", "Room ").DefaultTimeout());
        Assert.Equal([a], await Store.GetMembersAsync("", "Room").DefaultTimeout());
    }

    [Fact]
    public async Task Concurrent_joins_leaves_and_disconnects_end_in_the_truth()
    {
        const int connections = 60;
        const int rooms = 8;
        var ids = Enumerable.Range(0, connections).Select(i => $"c{i}-{NewId()}").ToArray();
        await Task.WhenAll(ids.Select(id => Store.AddConnectionAsync("", id))).DefaultTimeout();

        // Each connection joins every room, leaves the odd ones; every third disconnects while its joins race.
        var work = ids.Select(async (id, i) =>
        {
            var joins = Enumerable.Range(0, rooms).Select(r => Store.AddToRoomAsync(id, $"room{r}")).ToArray();
            if (i % 3 == 0)
            {
                await Store.RemoveConnectionAsync(id);
            }

            await Task.WhenAll(joins);
            if (i % 3 == 0)
            {
                await Store.RemoveConnectionAsync(id);
                return;
            }

            await Task.WhenAll(Enumerable.Range(0, rooms).Where(r => r % 2 == 1).Select(r => Store.RemoveFromRoomAsync(id, $"room{r}")));
        });
        await Task.WhenAll(work).DefaultTimeout();

        var alive = ids.Where((_, i) => i % 3 != 0).ToArray();
        var listing = await Store.GetRoomsAsync("").DefaultTimeout();
        SetAssert.Equal(["", .. Enumerable.Range(0, rooms).Where(r => r % 2 == 0).Select(r => $"room{r}")], listing.Keys);
        SetAssert.Equal(alive, listing[""]);
        foreach (var r in Enumerable.Range(0, rooms).Where(r => r % 2 == 0))
        {
            SetAssert.Equal(alive, listing[$"room{r}"]);
        }

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var own = await Store.GetRoomsOfConnectionAsync(id).DefaultTimeout();
            if (i % 3 == 0)
            {
                Assert.Empty(own);
            }
            else
            {
                SetAssert.Equal(["", "room0", "room2", "room4", "room6"], own);
            }
        }
    }

}
