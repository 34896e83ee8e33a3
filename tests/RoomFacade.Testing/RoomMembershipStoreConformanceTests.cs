using RoomFacade.Stores;
using Xunit;

namespace RoomFacade.Testing;

/// <summary>
/// The behaviour every <see cref="IRoomMembershipStore"/> must have. Each store's test class derives from this and
/// provides a fresh, empty store; the facts live here so that every store runs the same suite unchanged. Names,
/// namespaces and concurrency are in <c>RoomMembershipStoreConformanceTests.Names.cs</c>.
/// </summary>
public abstract partial class RoomMembershipStoreConformanceTests : IAsyncLifetime
{
    private IRoomMembershipStore? _store;

    protected IRoomMembershipStore Store => _store ?? throw new InvalidOperationException("Store not created yet.");

    /// <summary>A new store with no data (a fresh key prefix, database, or instance).</summary>
    protected abstract Task<IRoomMembershipStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual Task DisposeStoreAsync(IRoomMembershipStore store) => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync().DefaultTimeout();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store).DefaultTimeout();
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Connection_is_in_the_catch_all_room_of_its_namespace()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();

        Assert.Equal("", await Store.GetNamespaceAsync(a).DefaultTimeout());
        Assert.Equal([""], await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
        Assert.Equal([a], await Store.GetMembersAsync("", "").DefaultTimeout());
        var rooms = await Store.GetRoomsAsync("").DefaultTimeout();
        Assert.Equal([""], rooms.Keys);
    }

    [Fact]
    public async Task Add_connection_twice_is_idempotent()
    {
        var a = NewId();
        await Store.AddConnectionAsync("/news", a).DefaultTimeout();
        await Store.AddConnectionAsync("/news", a).DefaultTimeout();

        Assert.Equal([a], await Store.GetMembersAsync("/news", "").DefaultTimeout());
    }

    [Fact]
    public async Task Join_lists_the_member_and_the_room()
    {
        var a = NewId();
        var b = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();

        Assert.Equal(MembershipChange.RoomCreated, await Store.AddToRoomAsync(a, "room").DefaultTimeout());
        Assert.Equal(MembershipChange.Changed, await Store.AddToRoomAsync(b, "room").DefaultTimeout());

        SetAssert.Equal([a, b], await Store.GetMembersAsync("", "room").DefaultTimeout());
        SetAssert.Equal(["", "room"], await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
        var rooms = await Store.GetRoomsAsync("").DefaultTimeout();
        SetAssert.Equal(["", "room"], rooms.Keys);
        SetAssert.Equal([a, b], rooms["room"]);
        SetAssert.Equal([a, b], rooms[""]);
    }

    [Fact]
    public async Task Duplicate_join_and_unknown_leave_are_harmless()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();

        Assert.Equal(MembershipChange.RoomCreated, await Store.AddToRoomAsync(a, "room").DefaultTimeout());
        Assert.Equal(MembershipChange.Unchanged, await Store.AddToRoomAsync(a, "room").DefaultTimeout());
        Assert.Equal(MembershipChange.Unchanged, await Store.RemoveFromRoomAsync(a, "elsewhere").DefaultTimeout());

        Assert.Equal([a], await Store.GetMembersAsync("", "room").DefaultTimeout());
        SetAssert.Equal(["", "room"], await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
    }

    [Fact]
    public async Task Empty_rooms_are_pruned_from_every_listing()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddToRoomAsync(a, "room").DefaultTimeout();

        Assert.Equal(MembershipChange.RoomDeleted, await Store.RemoveFromRoomAsync(a, "room").DefaultTimeout());

        Assert.Empty(await Store.GetMembersAsync("", "room").DefaultTimeout());
        Assert.Equal([""], (await Store.GetRoomsAsync("").DefaultTimeout()).Keys);
        Assert.Equal([""], await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
    }

    [Fact]
    public async Task Remove_connection_leaves_every_room_and_prunes()
    {
        var a = NewId();
        var b = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();
        await Store.AddToRoomAsync(a, "r1").DefaultTimeout();
        await Store.AddToRoomAsync(a, "r2").DefaultTimeout();
        await Store.AddToRoomAsync(b, "r2").DefaultTimeout();

        var removal = await Store.RemoveConnectionAsync(a).DefaultTimeout();
        Assert.NotNull(removal);
        Assert.Equal("", removal.Namespace);
        SetAssert.Equal(["", "r1", "r2"], removal.Rooms);
        SetAssert.Equal(["r1"], removal.DeletedRooms);

        Assert.Null(await Store.GetNamespaceAsync(a).DefaultTimeout());
        Assert.Empty(await Store.GetRoomsOfConnectionAsync(a).DefaultTimeout());
        var rooms = await Store.GetRoomsAsync("").DefaultTimeout();
        SetAssert.Equal(["", "r2"], rooms.Keys);
        Assert.Equal([b], rooms["r2"]);
        Assert.Equal([b], rooms[""]);
        Assert.Null(await Store.RemoveConnectionAsync(a).DefaultTimeout());
    }

    [Fact]
    public async Task Leaving_a_room_with_others_in_it_is_a_plain_change()
    {
        var a = NewId();
        var b = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();
        await Store.AddToRoomAsync(a, "room").DefaultTimeout();
        await Store.AddToRoomAsync(b, "room").DefaultTimeout();

        Assert.Equal(MembershipChange.Changed, await Store.RemoveFromRoomAsync(a, "room").DefaultTimeout());
        Assert.Equal(MembershipChange.RoomDeleted, await Store.RemoveFromRoomAsync(b, "room").DefaultTimeout());
    }

    [Fact]
    public async Task Membership_look_up_gives_namespace_and_membership_in_one_call()
    {
        var a = NewId();
        await Store.AddConnectionAsync("/news", a).DefaultTimeout();
        await Store.AddToRoomAsync(a, "room").DefaultTimeout();

        Assert.Equal(new RoomMembership("/news", true), await Store.GetMembershipAsync(a, "room").DefaultTimeout());
        Assert.Equal(new RoomMembership("/news", false), await Store.GetMembershipAsync(a, "other").DefaultTimeout());
        Assert.Equal(new RoomMembership("/news", true), await Store.GetMembershipAsync(a, "").DefaultTimeout());
        Assert.Equal(default, await Store.GetMembershipAsync(NewId(), "room").DefaultTimeout());

        await Store.RemoveConnectionAsync(a).DefaultTimeout();
        Assert.Null((await Store.GetMembershipAsync(a, "room").DefaultTimeout()).Namespace);
    }

    [Fact]
    public async Task Connection_attributes_are_set_read_removed_and_go_with_the_connection()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        Assert.Empty(await Store.GetConnectionAttributesAsync(a).DefaultTimeout());

        Assert.True(await Store.SetConnectionAttributeAsync(a, "user", "alice").DefaultTimeout());
        Assert.True(await Store.SetConnectionAttributeAsync(a, "data", "{\"x\":1}").DefaultTimeout());
        Assert.True(await Store.SetConnectionAttributeAsync(a, "data", "{\"x\":2}").DefaultTimeout());
        var attributes = await Store.GetConnectionAttributesAsync(a).DefaultTimeout();
        Assert.Equal("alice", attributes["user"]);
        Assert.Equal("{\"x\":2}", attributes["data"]);

        Assert.True(await Store.SetConnectionAttributeAsync(a, "user", null).DefaultTimeout());
        Assert.Equal(["data"], (await Store.GetConnectionAttributesAsync(a).DefaultTimeout()).Keys);

        await Store.RemoveConnectionAsync(a).DefaultTimeout();
        Assert.Empty(await Store.GetConnectionAttributesAsync(a).DefaultTimeout());
        Assert.False(await Store.SetConnectionAttributeAsync(a, "user", "bob").DefaultTimeout());

        // Reconnecting with the same id starts with no attributes.
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        Assert.Empty(await Store.GetConnectionAttributesAsync(a).DefaultTimeout());
    }

    [Fact]
    public async Task Count_and_room_names_answer_without_members()
    {
        string a = NewId(), b = NewId(), n = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();
        await Store.AddConnectionAsync("/news", n).DefaultTimeout();
        await Store.AddToRoomAsync(a, "lobby").DefaultTimeout();
        await Store.AddToRoomAsync(b, "lobby").DefaultTimeout();
        await Store.AddToRoomAsync(b, "#dev").DefaultTimeout();
        await Store.AddToRoomAsync(n, "lobby").DefaultTimeout();

        Assert.Equal(2, await Store.CountAsync("", "lobby").DefaultTimeout());
        Assert.Equal(2, await Store.CountAsync("", "").DefaultTimeout());
        Assert.Equal(1, await Store.CountAsync("/news", "lobby").DefaultTimeout());
        Assert.Equal(0, await Store.CountAsync("", "nowhere").DefaultTimeout());
        Assert.Equal(0, await Store.CountAsync("/other", "").DefaultTimeout());
        Assert.Equal(["", "#dev", "lobby"], (await Store.GetRoomNamesAsync("").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.GetRoomNamesAsync("/other").DefaultTimeout());

        await Store.RemoveConnectionAsync(b).DefaultTimeout();
        Assert.Equal(1, await Store.CountAsync("", "lobby").DefaultTimeout());
        Assert.Equal(["", "lobby"], (await Store.GetRoomNamesAsync("").DefaultTimeout()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Members_and_count_with_the_own_id_room_include_the_connection_named_like_the_room()
    {
        string a = NewId(), b = NewId(), news = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("", b).DefaultTimeout();
        await Store.AddConnectionAsync("/news", news).DefaultTimeout();
        await Store.AddToRoomAsync(b, a).DefaultTimeout(); // b joined the room named like a
        string[] both = [.. new[] { a, b }.Order(StringComparer.Ordinal)];

        Assert.Equal(both, (await Store.GetMembersWithOwnIdRoomAsync("", a).DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(2, await Store.CountWithOwnIdRoomAsync("", a).DefaultTimeout());
        Assert.Equal([b], await Store.GetMembersWithOwnIdRoomAsync("", b).DefaultTimeout());
        Assert.Equal(1, await Store.CountWithOwnIdRoomAsync("", b).DefaultTimeout());

        // A connection of another namespace is not in this namespace's room of that name.
        Assert.Empty(await Store.GetMembersWithOwnIdRoomAsync("", news).DefaultTimeout());
        Assert.Equal(0, await Store.CountWithOwnIdRoomAsync("", news).DefaultTimeout());
        Assert.Equal([news], await Store.GetMembersWithOwnIdRoomAsync("/news", news).DefaultTimeout());

        // Listed once when it also joined the room named like itself; plain rooms and the catch-all are unchanged.
        await Store.AddToRoomAsync(a, a).DefaultTimeout();
        Assert.Equal(both, (await Store.GetMembersWithOwnIdRoomAsync("", a).DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(2, await Store.CountWithOwnIdRoomAsync("", a).DefaultTimeout());
        Assert.Equal(both, (await Store.GetMembersWithOwnIdRoomAsync("", "").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.GetMembersWithOwnIdRoomAsync("", "nowhere").DefaultTimeout());
        Assert.Equal(0, await Store.CountWithOwnIdRoomAsync("", "nowhere").DefaultTimeout());

        // Once a is gone, its name is a plain room again.
        await Store.RemoveConnectionAsync(a).DefaultTimeout();
        Assert.Equal([b], await Store.GetMembersWithOwnIdRoomAsync("", a).DefaultTimeout());
        Assert.Equal(1, await Store.CountWithOwnIdRoomAsync("", a).DefaultTimeout());
    }

    [Fact]
    public async Task Connection_details_of_many_connections_come_in_order_with_null_for_unknown_ones()
    {
        string a = NewId(), b = NewId(), gone = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.AddConnectionAsync("/news", b).DefaultTimeout();
        await Store.AddConnectionAsync("", gone).DefaultTimeout();
        await Store.AddToRoomAsync(a, "lobby").DefaultTimeout();
        await Store.SetConnectionAttributeAsync(a, "data", "{\"name\":\"a\"}").DefaultTimeout();
        await Store.RemoveConnectionAsync(gone).DefaultTimeout();

        var details = await Store.GetConnectionDetailsAsync([b, gone, a, NewId()]).DefaultTimeout();

        Assert.Equal(4, details.Count);
        Assert.Equal([""], details[0]!.Rooms);
        Assert.Empty(details[0]!.Attributes);
        Assert.Null(details[1]);
        Assert.Equal(["", "lobby"], details[2]!.Rooms.Order(StringComparer.Ordinal));
        Assert.Equal("{\"name\":\"a\"}", details[2]!.Attributes["data"]);
        Assert.Null(details[3]);
        Assert.Empty(await Store.GetConnectionDetailsAsync([]).DefaultTimeout());
    }

    [Fact]
    public async Task Removal_reports_the_attributes_the_connection_had()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.SetConnectionAttributeAsync(a, "data", "\"bob\"").DefaultTimeout();

        var removal = await Store.RemoveConnectionAsync(a).DefaultTimeout();

        Assert.Equal("\"bob\"", removal!.Attributes["data"]);
        Assert.Empty(await Store.GetConnectionAttributesAsync(a).DefaultTimeout());
    }

    [Fact]
    public async Task Last_connection_gone_removes_the_catch_all_room()
    {
        var a = NewId();
        await Store.AddConnectionAsync("/news", a).DefaultTimeout();
        await Store.RemoveConnectionAsync(a).DefaultTimeout();

        Assert.Empty(await Store.GetRoomsAsync("/news").DefaultTimeout());
        Assert.Empty(await Store.GetMembersAsync("/news", "").DefaultTimeout());
    }

    [Fact]
    public async Task Unknown_connection_changes_nothing()
    {
        var ghost = NewId();
        Assert.Equal(MembershipChange.UnknownConnection, await Store.AddToRoomAsync(ghost, "room").DefaultTimeout());
        Assert.Equal(MembershipChange.UnknownConnection, await Store.RemoveFromRoomAsync(ghost, "room").DefaultTimeout());
        Assert.Null(await Store.GetNamespaceAsync(ghost).DefaultTimeout());
        Assert.Empty(await Store.GetRoomsOfConnectionAsync(ghost).DefaultTimeout());
        Assert.Empty(await Store.GetRoomsAsync("").DefaultTimeout());
        Assert.Null(await Store.RemoveConnectionAsync(ghost).DefaultTimeout());
        Assert.False(await Store.SetConnectionAttributeAsync(ghost, "user", "x").DefaultTimeout());
    }

    [Fact]
    public async Task Join_after_disconnect_is_refused_and_leaves_no_phantom()
    {
        var a = NewId();
        await Store.AddConnectionAsync("", a).DefaultTimeout();
        await Store.RemoveConnectionAsync(a).DefaultTimeout();

        Assert.Equal(MembershipChange.UnknownConnection, await Store.AddToRoomAsync(a, "room").DefaultTimeout());
        Assert.Empty(await Store.GetMembersAsync("", "room").DefaultTimeout());
        Assert.Empty(await Store.GetRoomsAsync("").DefaultTimeout());
    }
}
