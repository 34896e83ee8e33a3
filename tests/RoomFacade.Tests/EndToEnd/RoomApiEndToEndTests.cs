using Microsoft.AspNetCore.SignalR;
using Xunit;
using static RoomFacade.Tests.EndToEnd.ChatTestHost;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>
/// The Socket.IO room API's joins, leaves and deliveries, row by row, through Kestrel and real SignalR .NET clients of
/// the ChatRooms example: the default namespace is the hub at /chat, the namespace "/news" the hub at /news. Queries
/// and errors are in <see cref="RoomApiQueryAndErrorEndToEndTests"/>.
/// </summary>
public sealed class RoomApiEndToEndTests
{
    public static TheoryData<string> HubPaths => [ChatPath, NewsPath];

    // ---- socket.join / socket.leave -----------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Join_and_leave_keep_delivery_and_listing_in_lock_step(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var ns = NamespaceOf(path);
        const string room = "Lobby 1";

        await a.InvokeAsync("Subscribe", room);

        Assert.Equal([a.Id], await GetClientsAsync(b, room));
        Assert.Equal([a.Id], (await GetRoomsAsync(b))[Key(ns, room)]);
        Assert.True((await GetRoomClientsAsync(b, a.Id))[Key(ns, room)]);
        Assert.Equal([a.Id], await server.Rooms.GetMembersAsync(ns, room).DefaultTimeout());
        await b.InvokeAsync("EmitToRoom", room, "while-in");
        Assert.Equal(new ReceivedMessage(room, b.Id, "while-in"), await a.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b);

        await a.InvokeAsync("Unsubscribe", room);

        Assert.Empty(await GetClientsAsync(b, room));
        Assert.DoesNotContain(Key(ns, room), (await GetRoomsAsync(b)).Keys);
        Assert.DoesNotContain(Key(ns, room), (await GetRoomClientsAsync(b, a.Id)).Keys);
        Assert.Empty(await server.Rooms.GetMembersAsync(ns, room).DefaultTimeout());
        await b.InvokeAsync("EmitToRoom", room, "after-leave");
        await AssertNothingElseReceivedAsync(server, a, b);
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Duplicate_join_and_unknown_leave_are_harmless(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var ns = NamespaceOf(path);

        await a.InvokeAsync("Subscribe", "room");
        var afterFirstJoin = Describe(await GetRoomsAsync(b));
        await a.InvokeAsync("Subscribe", "room");

        Assert.Equal(afterFirstJoin, Describe(await GetRoomsAsync(b)));
        Assert.Equal([a.Id], await GetClientsAsync(b, "room"));
        await b.InvokeAsync("EmitToRoom", "room", "once");
        Assert.Equal(new ReceivedMessage("room", b.Id, "once"), await a.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b);

        await a.InvokeAsync("Unsubscribe", "never-joined");
        await b.InvokeAsync("Unsubscribe", "room");

        Assert.Equal(afterFirstJoin, Describe(await GetRoomsAsync(b)));

        await a.InvokeAsync("Unsubscribe", "room");
        await a.InvokeAsync("Unsubscribe", "room");

        var finalRooms = await GetRoomsAsync(b);
        Assert.DoesNotContain(Key(ns, "room"), finalRooms.Keys);
        Assert.Equal(new[] { a.Id, b.Id }.Sorted(), finalRooms[Key(ns, "")].Sorted());
        Assert.Empty(await GetClientsAsync(a, "room"));
    }

    // ---- auto-leave on disconnect, pruning -------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Disconnect_leaves_every_room_without_user_code(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var other = await clients.AddAsync(server, OtherPath(path));
        var ns = NamespaceOf(path);
        await a.InvokeAsync("Subscribe", "r1");
        await a.InvokeAsync("Subscribe", "r2");
        await b.InvokeAsync("Subscribe", "r2");
        await other.InvokeAsync("Subscribe", "r1");
        var aId = a.Id;

        await a.StopAsync();

        await TaskTimeoutExtensions.WaitUntilAsync(
            async () =>
            {
                var listed = (await GetRoomsAsync(b)).Values.Any(m => m.Contains(aId))
                    || (await GetClientsAsync(b, "r2")).Contains(aId)
                    || (await GetClientsAsync(b, "")).Contains(aId);
                if (listed)
                {
                    return false;
                }

                try
                {
                    await GetRoomClientsAsync(b, aId);
                    return false;
                }
                catch (HubException)
                {
                    return true;
                }
            },
            because: $"{aId} should leave every room once disconnected");

        var rooms = await GetRoomsAsync(b);
        Assert.DoesNotContain(Key(ns, "r1"), rooms.Keys);
        Assert.Equal([b.Id], rooms[Key(ns, "r2")]);
        Assert.Equal([b.Id], rooms[Key(ns, "")]);
        Assert.Equal([other.Id], rooms[Key(NamespaceOf(OtherPath(path)), "r1")]);
        Assert.Equal([b.Id], await GetClientsAsync(b, "r2"));
        Assert.Empty(await GetClientsAsync(b, "r1"));
        var ex = await Assert.ThrowsAsync<HubException>(() => GetRoomClientsAsync(b, aId)).DefaultTimeout();
        Assert.Contains(aId, ex.Message);
        await Assert.ThrowsAsync<UnknownConnectionException>(() => server.Rooms.GetRoomsOfAsync(aId)).DefaultTimeout();
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Empty_rooms_are_pruned_from_every_listing(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var observer = await clients.AddAsync(server, OtherPath(path));
        var ns = NamespaceOf(path);
        await a.InvokeAsync("Subscribe", "solo");
        await a.InvokeAsync("Subscribe", "shared");
        await b.InvokeAsync("Subscribe", "shared");
        Assert.Contains(Key(ns, "solo"), (await GetRoomsAsync(observer)).Keys);

        await a.InvokeAsync("Unsubscribe", "solo");
        await AssertPrunedAsync("solo");
        Assert.Contains(Key(ns, "shared"), (await GetRoomsAsync(observer)).Keys);

        await a.InvokeAsync("Unsubscribe", "shared");
        Assert.Equal([b.Id], await GetNamespaceClientsAsync(observer, ns, "shared"));
        await b.InvokeAsync("Unsubscribe", "shared");
        await AssertPrunedAsync("shared");

        async Task AssertPrunedAsync(string room)
        {
            Assert.DoesNotContain(Key(ns, room), (await GetRoomsAsync(observer)).Keys);
            Assert.DoesNotContain(Key(ns, room), (await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout()).Keys);
            Assert.DoesNotContain(room, (await server.Rooms.GetRoomsAsync(ns).DefaultTimeout()).Keys);
            Assert.Empty(await GetClientsAsync(a, room));
            Assert.Empty(await GetNamespaceClientsAsync(observer, ns, room));
            Assert.DoesNotContain((await GetRoomClientsAsync(observer, a.Id)).Keys, k => k.EndsWith(room, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Last_connection_of_a_namespace_gone_prunes_its_catch_all_room(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var observer = await clients.AddAsync(server, OtherPath(path));
        var a = await clients.AddAsync(server, path);
        var ns = NamespaceOf(path);
        await a.InvokeAsync("Subscribe", "room");
        Assert.Equal([a.Id], (await GetRoomsAsync(observer))[Key(ns, "")]);
        Assert.Equal([a.Id], (await GetRoomsAsync(observer))[Key(ns, "room")]);

        await a.StopAsync();

        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => !(await GetRoomsAsync(observer)).ContainsKey(Key(ns, "")),
            because: $"the catch-all of namespace '{ns}' should disappear with its last connection");
        var otherNs = NamespaceOf(OtherPath(path));
        Assert.Equal([Key(otherNs, "")], (await GetRoomsAsync(observer)).Keys);
        Assert.Empty(await server.Rooms.GetRoomsAsync(ns).DefaultTimeout());
        Assert.Empty(await GetNamespaceClientsAsync(observer, ns, ""));
    }

    // ---- emitting --------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task BroadcastToRoom_reaches_the_room_except_the_sender(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var c = await clients.AddAsync(server, path);
        var outside = await clients.AddAsync(server, path);
        var otherNamespace = await clients.AddAsync(server, OtherPath(path));
        foreach (var member in new[] { a, b, c, otherNamespace })
        {
            await member.InvokeAsync("Subscribe", "room");
        }

        await a.InvokeAsync("BroadcastToRoom", "room", "hi");

        Assert.Equal(new ReceivedMessage("room", a.Id, "hi"), await b.NextMessageAsync());
        Assert.Equal(new ReceivedMessage("room", a.Id, "hi"), await c.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b, c, outside, otherNamespace);
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Broadcast_reaches_the_whole_namespace_except_the_sender_and_not_the_other_namespace(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var c = await clients.AddAsync(server, path);
        var otherNamespace = await clients.AddAsync(server, OtherPath(path));
        await c.InvokeAsync("Subscribe", "some-room");

        await a.InvokeAsync("Broadcast", "hi");

        Assert.Equal(new ReceivedMessage(null, a.Id, "hi"), await b.NextMessageAsync());
        Assert.Equal(new ReceivedMessage(null, a.Id, "hi"), await c.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b, c, otherNamespace);
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task EmitToRoom_reaches_the_room_including_the_sender(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var outside = await clients.AddAsync(server, path);
        var otherNamespace = await clients.AddAsync(server, OtherPath(path));
        foreach (var member in new[] { a, b, otherNamespace })
        {
            await member.InvokeAsync("Subscribe", "room");
        }

        await a.InvokeAsync("EmitToRoom", "room", "hi");

        Assert.Equal(new ReceivedMessage("room", a.Id, "hi"), await a.NextMessageAsync());
        Assert.Equal(new ReceivedMessage("room", a.Id, "hi"), await b.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b, outside, otherNamespace);
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task EmitToAll_reaches_my_namespace_only(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var otherNamespace = await clients.AddAsync(server, OtherPath(path));

        await a.InvokeAsync("EmitToAll", "hi");

        Assert.Equal(new ReceivedMessage(null, a.Id, "hi"), await a.NextMessageAsync());
        Assert.Equal(new ReceivedMessage(null, a.Id, "hi"), await b.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, a, b, otherNamespace);
    }

    [Theory]
    [InlineData(ChatPath, "/news")]
    [InlineData(ChatPath, "news")]
    [InlineData(NewsPath, "")]
    [InlineData(NewsPath, "/")]
    public async Task EmitToNamespaceRoom_reaches_only_that_rooms_members_in_that_namespace(string senderPath, string targetNamespace)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var targetPath = OtherPath(senderPath);
        var sender = await clients.AddAsync(server, senderPath);
        var senderPeer = await clients.AddAsync(server, senderPath);
        var member = await clients.AddAsync(server, targetPath);
        var elsewhere = await clients.AddAsync(server, targetPath);
        var nowhere = await clients.AddAsync(server, targetPath);
        await sender.InvokeAsync("Subscribe", "room");
        await senderPeer.InvokeAsync("Subscribe", "room");
        await member.InvokeAsync("Subscribe", "room");
        await elsewhere.InvokeAsync("Subscribe", "other");

        await sender.InvokeAsync("EmitToNamespaceRoom", targetNamespace, "room", "hi");

        Assert.Equal(new ReceivedMessage("room", sender.Id, "hi"), await member.NextMessageAsync());
        await AssertNothingElseReceivedAsync(server, sender, senderPeer, member, elsewhere, nowhere);
    }
}
