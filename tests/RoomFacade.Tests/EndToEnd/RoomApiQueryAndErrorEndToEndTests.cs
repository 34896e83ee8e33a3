using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Stores;
using RoomFacade.Tests.Unit;
using Xunit;
using static RoomFacade.Tests.EndToEnd.ChatTestHost;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>
/// The Socket.IO room API's queries and errors, through Kestrel and real SignalR .NET clients of the ChatRooms example
/// (the default namespace is the hub at /chat, the namespace "/news" the hub at /news); joins, leaves and deliveries
/// are in <see cref="RoomApiEndToEndTests"/>.
/// </summary>
public sealed class RoomApiQueryAndErrorEndToEndTests
{
    public static TheoryData<string> HubPaths => RoomApiEndToEndTests.HubPaths;

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
