using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Unit;

/// <summary>The Socket.IO 0.9 key format of <c>manager.rooms</c> and <c>manager.roomClients</c>.</summary>
public sealed class RoomManagerViewTests
{
    private static async Task<FacadeHarness> PopulatedAsync()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b");
        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("a", "room");
        await h.AddToRoomsAsync("b", "room", "other");
        await h.AddToRoomsAsync("n", "room");
        return h;
    }

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Manager_rooms_uses_0_9_keys_for_every_namespace()
    {
        var h = await PopulatedAsync();

        var rooms = await h.Manager.Manager.GetRoomsAsync().DefaultTimeout();

        Assert.Equal(["", "/news", "/news/room", "/other", "/room"], Sorted(rooms.Keys));
        Assert.Equal(["a", "b"], Sorted(rooms[""]));
        Assert.Equal(["a", "b"], Sorted(rooms["/room"]));
        Assert.Equal(["b"], Sorted(rooms["/other"]));
        Assert.Equal(["n"], Sorted(rooms["/news"]));
        Assert.Equal(["n"], Sorted(rooms["/news/room"]));
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Manager_rooms_is_empty_when_nobody_is_connected_and_prunes_empty_namespaces()
    {
        var h = new FacadeHarness();
        Assert.Empty(await h.Manager.Manager.GetRoomsAsync().DefaultTimeout());

        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("n", "room");
        Assert.Equal(["/news", "/news/room"], Sorted((await h.Manager.Manager.GetRoomsAsync().DefaultTimeout()).Keys));

        await h.Store.RemoveConnectionAsync("n").DefaultTimeout();
        Assert.Empty(await h.Manager.Manager.GetRoomsAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Room_clients_of_a_default_namespace_connection_have_keys_with_and_without_slash()
    {
        var h = await PopulatedAsync();

        var roomClients = await h.Manager.Manager.GetRoomClientsAsync("b").DefaultTimeout();

        Assert.Equal(["", "/other", "/room", "other", "room"], Sorted(roomClients.Keys));
        Assert.All(roomClients.Values, Assert.True);
    }

    [Fact]
    public async Task Room_clients_of_a_news_connection_have_keys_with_and_without_slash()
    {
        var h = await PopulatedAsync();

        var roomClients = await h.Manager.Manager.GetRoomClientsAsync("n").DefaultTimeout();

        Assert.Equal(["/news", "/news/room", "news", "news/room"], Sorted(roomClients.Keys));
        Assert.All(roomClients.Values, Assert.True);
    }

    [Fact]
    public async Task Room_clients_of_a_connection_in_no_room_is_the_catch_all_only()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");

        var roomClients = await h.Manager.Manager.GetRoomClientsAsync("a").DefaultTimeout();

        Assert.Equal([""], roomClients.Keys);
        Assert.True(roomClients[""]);
    }

    [Fact]
    public async Task Ambiguous_0_9_keys_list_the_members_of_both_rooms()
    {
        // Room "news" of the default namespace and the catch-all of "/news" are both "/news" in 0.9.
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("a", "news");

        var rooms = await h.Manager.Manager.GetRoomsAsync().DefaultTimeout();

        Assert.Equal(["", "/news"], Sorted(rooms.Keys));
        Assert.Equal(["a", "n"], Sorted(rooms["/news"]));
        Assert.Equal(rooms["/news"].Count, rooms["/news"].Distinct().Count());
    }

    [Fact]
    public async Task Room_clients_of_a_connection_that_disconnects_during_the_query_is_an_unknown_connection()
    {
        // The connection is known when its namespace is looked up, and gone (disconnected) when its rooms are read:
        // roomClients must not answer an empty dictionary (every connected client is at least in the catch-all).
        var store = new FaultyStore();
        var h = new FacadeHarness(store);
        await h.ConnectAsync("", "a");
        await h.AddToRoomsAsync("a", "room");
        store.AfterGetNamespace = id => h.Store.RemoveConnectionAsync(id);

        var ex = await Record.ExceptionAsync(() => h.Manager.Manager.GetRoomClientsAsync("a")).DefaultTimeout();

        Assert.IsType<UnknownConnectionException>(ex);
    }

    [Fact]
    public async Task Rooms_of_a_connection_that_disconnects_during_the_query_is_an_unknown_connection()
    {
        var store = new FaultyStore();
        var h = new FacadeHarness(store);
        await h.ConnectAsync("", "a");
        store.AfterGetNamespace = id => h.Store.RemoveConnectionAsync(id);

        await Assert.ThrowsAsync<UnknownConnectionException>(async () => await (await h.Manager.GetSocketAsync("a")).GetRoomsAsync()).DefaultTimeout();
    }

    [Theory]
    [InlineData("", "", "")]
    [InlineData("", "room", "/room")]
    [InlineData("/news", "", "/news")]
    [InlineData("/news", "room", "/news/room")]
    [InlineData("/news", "a/b", "/news/a/b")]
    public void Key_is_namespace_then_slash_room(string ns, string room, string key)
        => Assert.Equal(key, RoomManagerView.Key(ns, room));
}
