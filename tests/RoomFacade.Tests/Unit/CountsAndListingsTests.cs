using Moq;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Unit;

/// <summary>Counts, listings, LeaveAll and the own-id room, on the facade over the in-memory index.</summary>
public sealed class CountsAndListingsTests
{
    private static async Task<(FacadeHarness H, CountingStore Store)> ArrangeAsync()
    {
        var store = new CountingStore();
        var h = new FacadeHarness(store);
        h.TrackGroups();
        await h.ConnectAsync("", "a", "b", "c");
        await h.ConnectAsync("/news", "n");
        await h.Manager.JoinAsync("a", "lobby").DefaultTimeout();
        await h.Manager.JoinAsync("b", "lobby").DefaultTimeout();
        await h.Manager.JoinAsync("b", "#dev").DefaultTimeout();
        await h.Manager.JoinAsync("n", "lobby").DefaultTimeout();
        store.Reset();
        return (h, store);
    }

    [Fact]
    public async Task CountAsync_is_one_count_in_the_index_per_room_or_namespace()
    {
        var (h, store) = await ArrangeAsync();
        Assert.Equal(2, await h.Manager.Sockets.CountAsync("lobby").DefaultTimeout());
        Assert.Equal(3, await h.Manager.Sockets.CountAsync().DefaultTimeout());        // io.of("/").sockets.size
        Assert.Equal(1, await h.Manager.Of("/news").CountAsync("lobby").DefaultTimeout());
        Assert.Equal(0, await h.Manager.Sockets.CountAsync("nowhere").DefaultTimeout());
        Assert.Equal(4, store.Calls("CountAsync"));
        Assert.Equal(0, store.Calls("GetMembersAsync"));

        Assert.Equal(1, await h.Manager.Sockets.CountAsync("a").DefaultTimeout());     // own-id room
        Assert.Equal(1, await h.Manager.Sockets.In("lobby").Except("a").CountAsync().DefaultTimeout());
        Assert.Equal(2, await h.Manager.Sockets.To(["lobby", "#dev"]).CountAsync().DefaultTimeout()); // a union: b once
    }

    [Fact]
    public async Task Room_names_all_sockets_and_rooms_are_queries_on_the_namespace()
    {
        var (h, store) = await ArrangeAsync();
        Assert.Equal(["#dev", "lobby"], (await h.Manager.Sockets.GetRoomNamesAsync().DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(1, store.Calls("GetRoomNamesAsync"));
        Assert.Equal(0, store.Calls("GetRoomsAsync")); // names only: no members loaded
        Assert.Equal(["lobby"], await h.Manager.Of("/news").GetRoomNamesAsync().DefaultTimeout());

        Assert.Equal(["a", "b"], (await h.Manager.Sockets.AllSocketsAsync("lobby").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b", "c"], (await h.Manager.Sockets.AllSocketsAsync().DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(["b"], await h.Manager.Sockets.In("lobby").Except("a").AllSocketsAsync().DefaultTimeout());

        var rooms = await h.Manager.Sockets.GetRoomsAsync().DefaultTimeout();
        Assert.Equal(["", "#dev", "lobby"], rooms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b"], rooms["lobby"].Order(StringComparer.Ordinal));

        // The 0.9 view and the plain query answer with the same collection type.
        IReadOnlyCollection<string> manager = (await h.Manager.Manager.GetRoomsAsync().DefaultTimeout())["/lobby"];
        IReadOnlyCollection<string> plain = (await h.Manager.GetRoomsAsync("").DefaultTimeout())["lobby"];
        Assert.Equal(manager.Order(StringComparer.Ordinal), plain.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FetchSockets_asks_the_index_for_all_sockets_at_once_not_per_socket()
    {
        var (h, store) = await ArrangeAsync();
        await (await h.Manager.GetSocketAsync("b").DefaultTimeout()).SetDataAsync(new { name = "bob" }).DefaultTimeout();
        store.Reset();

        var fetched = await h.Manager.Sockets.FetchSocketsAsync().DefaultTimeout();

        Assert.Equal(["a", "b", "c"], fetched.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal("bob", fetched.Single(s => s.Id == "b").Data!.Value.GetProperty("name").GetString());
        Assert.Equal(["#dev", "b", "lobby"], fetched.Single(s => s.Id == "b").Rooms.Order(StringComparer.Ordinal));
        Assert.Equal(1, store.Calls("GetConnectionDetailsAsync"));
        Assert.Equal(0, store.Calls("GetRoomsOfConnectionAsync") + store.Calls("GetConnectionAttributesAsync"));
    }

    [Fact]
    public async Task Leaving_or_joining_the_own_id_room_is_harmless_so_a_loop_over_socket_rooms_works()
    {
        var (h, _) = await ArrangeAsync();
        var b = await h.Manager.GetSocketAsync("b").DefaultTimeout();

        await b.JoinAsync("b").DefaultTimeout();
        foreach (var room in await b.GetRoomsAsync().DefaultTimeout())
        {
            await b.LeaveAsync(room).DefaultTimeout();   // includes "b", its own id: no exception
        }

        Assert.Equal(["b"], await b.GetRoomsAsync().DefaultTimeout());
        Assert.Equal(1, await h.Manager.Sockets.CountAsync("b").DefaultTimeout());
        await h.AssertLockStepAsync("a", "b", "c");
        h.Groups.Verify(g => g.RemoveFromGroupAsync("b", "b", It.IsAny<CancellationToken>()), Times.Never);

        // An unknown connection is still refused, own id or not.
        await Assert.ThrowsAsync<UnknownConnectionException>(() => h.Manager.LeaveAsync("ghost", "ghost")).DefaultTimeout();
    }

    [Fact]
    public async Task LeaveAll_leaves_every_joined_room_and_keeps_the_own_id_and_catch_all_rooms()
    {
        var (h, _) = await ArrangeAsync();
        var b = await h.Manager.GetSocketAsync("b").DefaultTimeout();

        await b.LeaveAllAsync().DefaultTimeout();

        Assert.Equal(["b"], await b.GetRoomsAsync().DefaultTimeout());
        Assert.Equal([""], await h.Manager.GetRoomsOfAsync("b").DefaultTimeout());
        Assert.Equal(["a"], await h.Manager.Sockets.AllSocketsAsync("lobby").DefaultTimeout());
        Assert.DoesNotContain("#dev", await h.Manager.Sockets.GetRoomNamesAsync().DefaultTimeout());
        await h.AssertLockStepAsync("a", "b", "c");
        await Assert.ThrowsAsync<UnknownConnectionException>(() => new FacadeHarness().Manager.LeaveAllAsync("ghost")).DefaultTimeout();
    }
}
