using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Stores;
using RoomFacade.Testing;
using RoomFacade.Tests.Unit;
using Xunit;
using static RoomFacade.Tests.EndToEnd.ChatTestHost;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>
/// The Socket.IO room API, row by row, through Kestrel and real SignalR .NET clients of the ChatRooms example: the
/// default namespace is the hub at /chat, the namespace "/news" the hub at /news.
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

    // ---- queries ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task GetRooms_lists_every_namespace_with_0_9_keys()
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, ChatPath);
        var b = await clients.AddAsync(server, ChatPath);
        var n = await clients.AddAsync(server, NewsPath);
        var m = await clients.AddAsync(server, NewsPath);
        await a.InvokeAsync("Subscribe", "Lobby");
        await b.InvokeAsync("Subscribe", "Lobby");
        await b.InvokeAsync("Subscribe", "x");
        await n.InvokeAsync("Subscribe", "Lobby");

        var fromChat = await GetRoomsAsync(a);
        var fromNews = await GetRoomsAsync(m);

        Assert.Equal(["", "/Lobby", "/news", "/news/Lobby", "/x"], fromChat.Keys.Sorted());
        Assert.Equal(new[] { a.Id, b.Id }.Sorted(), fromChat[""].Sorted());
        Assert.Equal(new[] { a.Id, b.Id }.Sorted(), fromChat["/Lobby"].Sorted());
        Assert.Equal([b.Id], fromChat["/x"]);
        Assert.Equal(new[] { n.Id, m.Id }.Sorted(), fromChat["/news"].Sorted());
        Assert.Equal([n.Id], fromChat["/news/Lobby"]);
        Assert.Equal(Describe(fromChat), Describe(fromNews));
        Assert.Equal(Describe(fromChat), Describe(await server.Rooms.Manager.GetRoomsAsync().DefaultTimeout()));
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task GetClients_lists_the_members_of_a_room_of_my_namespace_only(string path)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var c = await clients.AddAsync(server, path);
        var otherNamespace = await clients.AddAsync(server, OtherPath(path));
        await a.InvokeAsync("Subscribe", "room");
        await b.InvokeAsync("Subscribe", "room");
        await otherNamespace.InvokeAsync("Subscribe", "room");

        Assert.Equal(new[] { a.Id, b.Id }.Sorted(), (await GetClientsAsync(c, "room")).Sorted());
        Assert.Equal([otherNamespace.Id], await GetClientsAsync(otherNamespace, "room"));
        Assert.Empty(await GetClientsAsync(c, "no-such-room"));
        var sockets = await server.Rooms.Of(NamespaceOf(path)).ClientsAsync("room").DefaultTimeout();
        Assert.Equal(new[] { a.Id, b.Id }.Sorted(), sockets.Select(s => s.Id).Sorted());
    }

    [Theory]
    [InlineData(ChatPath, "/news", NewsPath)]
    [InlineData(ChatPath, "news", NewsPath)]
    [InlineData(NewsPath, "", ChatPath)]
    [InlineData(NewsPath, "/", ChatPath)]
    [InlineData(NewsPath, "/news", NewsPath)]
    public async Task GetNamespaceClients_lists_the_members_of_a_room_of_the_named_namespace(string askerPath, string @namespace, string memberPath)
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var asker = await clients.AddAsync(server, askerPath);
        var member = await clients.AddAsync(server, memberPath);
        var notMember = await clients.AddAsync(server, memberPath);
        var otherNamespaceMember = await clients.AddAsync(server, OtherPath(memberPath));
        await member.InvokeAsync("Subscribe", "room");
        await otherNamespaceMember.InvokeAsync("Subscribe", "room");

        Assert.Equal([member.Id], await GetNamespaceClientsAsync(asker, @namespace, "room"));
        var everyone = (await GetNamespaceClientsAsync(asker, @namespace, "")).Sorted();
        var expected = (memberPath == askerPath ? new[] { asker.Id, member.Id, notMember.Id } : [member.Id, notMember.Id]).Sorted();
        Assert.Equal(expected, everyone);
    }

    [Fact]
    public async Task GetRoomClients_maps_0_9_keys_to_true_with_and_without_the_leading_slash()
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, ChatPath);
        var n = await clients.AddAsync(server, NewsPath);
        await a.InvokeAsync("Subscribe", "Lobby");
        await a.InvokeAsync("Subscribe", "Upper Case Room");
        await n.InvokeAsync("Subscribe", "Lobby");

        foreach (var asker in new[] { a, n })
        {
            var ofA = await GetRoomClientsAsync(asker, a.Id);
            var ofN = await GetRoomClientsAsync(asker, n.Id);

            Assert.Equal(["", "/Lobby", "/Upper Case Room", "Lobby", "Upper Case Room"], ofA.Keys.Sorted());
            Assert.Equal(["/news", "/news/Lobby", "news", "news/Lobby"], ofN.Keys.Sorted());
            Assert.All(ofA.Values.Concat(ofN.Values), Assert.True);
        }

        Assert.Equal(Describe(await GetRoomClientsAsync(n, a.Id)), Describe(await server.Rooms.Manager.GetRoomClientsAsync(a.Id).DefaultTimeout()));
    }

    [Fact]
    public async Task Catch_all_room_lists_every_connected_client_of_its_namespace()
    {
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var chat = new[] { await clients.AddAsync(server, ChatPath), await clients.AddAsync(server, ChatPath), await clients.AddAsync(server, ChatPath) };
        var news = new[] { await clients.AddAsync(server, NewsPath), await clients.AddAsync(server, NewsPath) };
        await chat[0].InvokeAsync("Subscribe", "room");
        var chatIds = chat.Select(c => c.Id).Sorted();
        var newsIds = news.Select(c => c.Id).Sorted();

        Assert.Equal(chatIds, (await GetClientsAsync(chat[1], "")).Sorted());
        Assert.Equal(newsIds, (await GetClientsAsync(news[0], "")).Sorted());
        Assert.Equal(newsIds, (await GetNamespaceClientsAsync(chat[2], "/news", "")).Sorted());
        var rooms = await GetRoomsAsync(news[1]);
        Assert.Equal(chatIds, rooms[""].Sorted());
        Assert.Equal(newsIds, rooms["/news"].Sorted());
        Assert.Equal(chatIds, (await server.Rooms.Sockets.ClientsAsync().DefaultTimeout()).Select(s => s.Id).Sorted());
        Assert.Equal(newsIds, (await server.Rooms.GetMembersAsync("/news", "").DefaultTimeout()).Sorted());
        foreach (var client in chat)
        {
            Assert.True((await GetRoomClientsAsync(news[0], client.Id))[""]);
        }

        foreach (var client in news)
        {
            Assert.True((await GetRoomClientsAsync(chat[0], client.Id))["/news"]);
        }
    }

    [Theory]
    [MemberData(nameof(HubPaths))]
    public async Task Room_names_of_any_text_round_trip(string path)
    {
        string[] rooms = ["Upper Case", "a/b", "ünïcødé 🙂", "{braces}*", ":colon"];
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, path);
        var ns = NamespaceOf(path);

        foreach (var room in rooms)
        {
            await a.InvokeAsync("Subscribe", room);
            await b.InvokeAsync("EmitToRoom", room, "to " + room);
            Assert.Equal(new ReceivedMessage(room, b.Id, "to " + room), await a.NextMessageAsync());
            Assert.Equal([a.Id], await GetClientsAsync(b, room));
        }

        var listed = await GetRoomsAsync(b);
        Assert.All(rooms, room => Assert.Equal([a.Id], listed[Key(ns, room)]));
        var roomClients = await GetRoomClientsAsync(b, a.Id);
        Assert.All(rooms, room => Assert.True(roomClients[Key(ns, room)]));
        await AssertNothingElseReceivedAsync(server, a, b);
    }

    // ---- errors ----------------------------------------------------------------------------------------------------

    /// <summary>Each case: a hub call that must fail, and a fragment the error message must contain.</summary>
    private static readonly Dictionary<string, (string Method, object?[] Args, string[] Message)> ErrorCases = new()
    {
        ["Subscribe(null)"] = ("Subscribe", [null], ["room"]),
        ["Subscribe(300 chars)"] = ("Subscribe", [new string('x', 300)], ["300", "MaxRoomNameLength"]),
        ["Subscribe(catch-all)"] = ("Subscribe", [""], ["catch-all"]),
        ["Unsubscribe(catch-all)"] = ("Unsubscribe", [""], ["catch-all"]),
        ["Unsubscribe(300 chars)"] = ("Unsubscribe", [new string('x', 300)], ["MaxRoomNameLength"]),
        ["BroadcastToRoom(300 chars)"] = ("BroadcastToRoom", [new string('x', 300), "text"], ["MaxRoomNameLength"]),
        ["GetNamespaceClients(/nope)"] = ("GetNamespaceClients", ["/nope", "r"], ["'/nope'", "not registered"]),
        ["EmitToNamespaceRoom(/nope)"] = ("EmitToNamespaceRoom", ["/nope", "r", "text"], ["'/nope'", "not registered"]),
        ["GetRoomClients(no-such-id)"] = ("GetRoomClients", ["no-such-id"], ["'no-such-id'"]),
        ["GetRoomClients(null)"] = ("GetRoomClients", [null], ["connectionId"]),
    };

    public static TheoryData<string, string> ErrorCaseNames
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var name in ErrorCases.Keys)
            {
                data.Add(ChatPath, name);
            }

            data.Add(NewsPath, "Subscribe(null)");
            data.Add(NewsPath, "Subscribe(300 chars)");
            data.Add(NewsPath, "GetNamespaceClients(/nope)");
            data.Add(NewsPath, "GetRoomClients(no-such-id)");
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ErrorCaseNames))]
    public async Task Errors_reach_the_caller_as_HubException_with_a_clear_message_and_change_nothing(string path, string name)
    {
        var (method, args, message) = ErrorCases[name];
        await using var server = await StartAsync();
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, path);
        var b = await clients.AddAsync(server, OtherPath(path));
        await a.InvokeAsync("Subscribe", "room");
        await b.InvokeAsync("Subscribe", "room");
        var roomsBefore = Describe(await GetRoomsAsync(b));
        var roomClientsBefore = Describe(await GetRoomClientsAsync(b, a.Id));

        var ex = await Assert.ThrowsAsync<HubException>(() => a.InvokeAsync(method, args)).DefaultTimeout();

        Assert.All(message, fragment => Assert.Contains(fragment, ex.Message, StringComparison.Ordinal));
        Assert.Equal(roomsBefore, Describe(await GetRoomsAsync(b)));
        Assert.Equal(roomClientsBefore, Describe(await GetRoomClientsAsync(b, a.Id)));
        await AssertNothingElseReceivedAsync(server, a, b);

        // The connection is still usable.
        await a.InvokeAsync("EmitToRoom", "room", "still here");
        Assert.Equal(new ReceivedMessage("room", a.Id, "still here"), await a.NextMessageAsync());
    }

    // ---- index failures --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Index_failure_on_join_reaches_the_caller_and_leaves_neither_listing_nor_delivery()
    {
        var store = new FaultyStore();
        await using var server = await StartAsync(builder => builder.Services.AddSingleton<IRoomMembershipStore>(store));
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, ChatPath);
        var b = await clients.AddAsync(server, ChatPath);
        store.AddToRoomFailure = new InvalidOperationException("index down");

        var ex = await Assert.ThrowsAsync<HubException>(() => a.InvokeAsync("Subscribe", "room")).DefaultTimeout();

        store.AddToRoomFailure = null;
        Assert.Contains("room index", ex.Message);
        Assert.Empty(await GetClientsAsync(b, "room"));
        await b.InvokeAsync("EmitToRoom", "room", "hi");
        await AssertNothingElseReceivedAsync(server, a, b);
    }

    [Fact]
    public async Task Failed_duplicate_join_does_not_silence_an_existing_member()
    {
        // a is in "room"; a second Subscribe("room") while the index cannot add anything succeeds without touching
        // the index or SignalR (a is already a member), and a still receives what is sent to "room".
        var store = new FaultyStore();
        await using var server = await StartAsync(builder => builder.Services.AddSingleton<IRoomMembershipStore>(store));
        await using var clients = new ClientSet();
        var a = await clients.AddAsync(server, ChatPath);
        var b = await clients.AddAsync(server, ChatPath);
        await a.InvokeAsync("Subscribe", "room");
        store.AddToRoomFailure = new InvalidOperationException("index blip");

        await a.InvokeAsync("Subscribe", "room");

        store.AddToRoomFailure = null;
        Assert.Equal([a.Id], await GetClientsAsync(b, "room"));
        await b.InvokeAsync("EmitToRoom", "room", "still listed");
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await (await server.Rooms.GetSocketAsync(a.Id).DefaultTimeout()).EmitAsync("message", new ChatRooms.Hubs.ChatMessage(null, "test", marker)).DefaultTimeout();
        var received = await a.ReadUntilAsync(marker);
        Assert.Equal([new ReceivedMessage("room", b.Id, "still listed")], received);
    }
}
