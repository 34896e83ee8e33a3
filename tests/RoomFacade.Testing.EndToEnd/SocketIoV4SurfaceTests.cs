using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace RoomFacade.Testing.EndToEnd;

/// <summary>
/// Socket.IO v4's room behaviours (its messaging-many, namespaces and utility-methods suites), end to end through the
/// ChatRooms hubs and real SignalR clients. Derived classes run them on one server, and on two servers behind Redis
/// (clients alternate between the servers, so every cross-server path is taken).
/// </summary>
public abstract class SocketIoV4SurfaceTests : IAsyncLifetime
{
    private readonly List<TestChatClient> _clients = [];

    /// <summary>Base URLs and room managers of server A and server B (the same server twice on one server).</summary>
    protected abstract Task<(string UrlA, string UrlB, IRoomManager RoomsA, IRoomManager RoomsB)> StartServersAsync();

    protected abstract Task StopServersAsync();

    protected string UrlA { get; private set; } = "";

    protected string UrlB { get; private set; } = "";

    protected IRoomManager RoomsA { get; private set; } = null!;

    protected IRoomManager RoomsB { get; private set; } = null!;

    public async Task InitializeAsync() => (UrlA, UrlB, RoomsA, RoomsB) = await StartServersAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await StopServersAsync();
    }

    private async Task<TestChatClient> ConnectAsync(bool serverB, string hub = "/chat", string query = "")
    {
        var client = await TestChatClient.ConnectAsync(serverB ? UrlB : UrlA, hub + query);
        _clients.Add(client);
        return client;
    }

    /// <summary>c1 (A) in r1, c2 (B) in r2, c3 (A) in r1 and r2, c4 (B) in none.</summary>
    private async Task<(TestChatClient C1, TestChatClient C2, TestChatClient C3, TestChatClient C4)> ArrangeAsync()
    {
        var c1 = await ConnectAsync(serverB: false);
        var c2 = await ConnectAsync(serverB: true);
        var c3 = await ConnectAsync(serverB: false);
        var c4 = await ConnectAsync(serverB: true);
        await c1.InvokeAsync("Subscribe", "r1");
        await c2.InvokeAsync("Subscribe", "r2");
        await c3.InvokeAsync("Subscribe", "r1");
        await c3.InvokeAsync("Subscribe", "r2");
        return (c1, c2, c3, c4);
    }

    /// <summary>Sends <paramref name="marker"/> to <paramref name="client"/> alone (its own-id room) and returns what arrived before it.</summary>
    private static async Task<string[]> TextsBeforeMarkerAsync(TestChatClient sender, TestChatClient client, string marker)
    {
        await sender.InvokeAsync("EmitToRooms", new[] { client.Id }, Array.Empty<string>(), marker);
        return [.. (await client.ReadUntilAsync(marker)).Select(m => m.Text)];
    }

    private static string[] S(params string[] values) => values;

    [Fact]
    public async Task Every_socket_is_in_its_own_id_room_and_to_its_id_reaches_exactly_it()
    {
        var (c1, c2, _, c4) = await ArrangeAsync();
        SetAssert.Equal([c1.Id, "r1"], await c1.InvokeAsync<string[]>("GetMyRooms"));
        SetAssert.Equal([c4.Id], await c4.InvokeAsync<string[]>("GetMyRooms"));

        await c1.InvokeAsync("EmitToRooms", S(c2.Id), S(), "just you");
        Assert.Equal(new ReceivedMessage(null, c1.Id, "just you"), await c2.NextMessageAsync());
        Assert.Empty(await TextsBeforeMarkerAsync(c1, c1, "m1"));
        Assert.Empty(await TextsBeforeMarkerAsync(c1, c4, "m4"));

        // Own-id rooms stay out of the 0.9 views.
        var rooms = await RoomsA.Manager.GetRoomsAsync().DefaultTimeout();
        Assert.DoesNotContain("/" + c1.Id, rooms.Keys);
    }

    [Fact]
    public async Task To_several_rooms_is_a_union_and_each_socket_receives_once()
    {
        var (c1, c2, c3, c4) = await ArrangeAsync();

        await c4.InvokeAsync("EmitToRooms", S("r1", "r2"), S(), "union");

        foreach (var member in new[] { c1, c2, c3 })
        {
            Assert.Equal(["union"], await TextsBeforeMarkerAsync(c4, member, "marker"));
        }

        Assert.Empty(await TextsBeforeMarkerAsync(c4, c4, "marker"));
    }

    [Fact]
    public async Task Except_a_room_or_an_id_and_exclusion_beats_inclusion()
    {
        var (c1, c2, c3, c4) = await ArrangeAsync();

        await c4.InvokeAsync("EmitToRooms", S("r1"), S("r2"), "r1 not r2");          // c1 only
        await c4.InvokeAsync("EmitToRooms", S(), S(c1.Id, c2.Id), "all but c1 c2");   // c3, c4
        await c4.InvokeAsync("EmitToRooms", S(c3.Id), S(c3.Id), "nobody");           // exclusion beats inclusion
        await c4.InvokeAsync("EmitToRooms", S("r1", "r2"), S("r1"), "r2 not r1");     // c2 only

        Assert.Equal(["r1 not r2"], await TextsBeforeMarkerAsync(c4, c1, "m"));
        Assert.Equal(["r2 not r1"], await TextsBeforeMarkerAsync(c4, c2, "m"));
        Assert.Equal(["all but c1 c2"], await TextsBeforeMarkerAsync(c4, c3, "m"));
        Assert.Equal(["all but c1 c2"], await TextsBeforeMarkerAsync(c4, c4, "m"));
    }

    [Fact]
    public async Task Operators_are_immutable()
    {
        var to = RoomsA.Sockets.To("a");
        var both = to.To("b");
        var except = both.Except("c");
        var local = except.Local;

        Assert.Equal(["a"], to.Rooms);
        Assert.Equal(["a", "b"], both.Rooms);
        Assert.Empty(both.ExceptRooms);
        Assert.Equal(["c"], except.ExceptRooms);
        Assert.False(except.IsLocal);
        Assert.True(local.IsLocal);
        Assert.NotSame(to, both);
        Assert.Same(both, both.To("a"));
    }

    [Fact]
    public async Task FetchSockets_honours_to_and_except_and_returns_rooms()
    {
        var (c1, c2, c3, c4) = await ArrangeAsync();
        var all = await c2.InvokeAsync<JsonElement[]>("FetchSockets", S(), S());
        Assert.Equal(4, all.Length);
        var c3Info = all.Single(s => s.GetProperty("id").GetString() == c3.Id);
        SetAssert.Equal([c3.Id, "r1", "r2"], c3Info.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!));

        SetAssert.Equal([c1.Id, c3.Id], (await c2.InvokeAsync<JsonElement[]>("FetchSockets", S("r1"), S())).Select(s => s.GetProperty("id").GetString()!));
        SetAssert.Equal([c1.Id, c4.Id], (await c2.InvokeAsync<JsonElement[]>("FetchSockets", S(), S("r2"))).Select(s => s.GetProperty("id").GetString()!));
        SetAssert.Equal([c2.Id], (await c1.InvokeAsync<JsonElement[]>("FetchSockets", S(c2.Id), S())).Select(s => s.GetProperty("id").GetString()!));
        Assert.Empty(await c1.InvokeAsync<JsonElement[]>("FetchSockets", S("nowhere"), S()));
    }

    [Fact]
    public async Task SocketsJoin_and_SocketsLeave_apply_to_the_filtered_sockets_on_every_server_before_returning()
    {
        var (c1, c2, c3, c4) = await ArrangeAsync();

        await c4.InvokeAsync("SocketsJoin", S("r1", "r2"), S(c1.Id), S("x", "y"));   // c2, c3

        // Applied everywhere when the call returns: no waiting.
        SetAssert.Equal([c2.Id, c3.Id], await RoomsA.GetMembersAsync("", "x").DefaultTimeout());
        SetAssert.Equal([c2.Id, c3.Id], await RoomsB.GetMembersAsync("", "y").DefaultTimeout());
        await c1.InvokeAsync("EmitToRoom", "x", "to x");
        Assert.Equal("to x", (await c2.NextMessageAsync()).Text);
        Assert.Equal("to x", (await c3.NextMessageAsync()).Text);

        await c1.InvokeAsync("SocketsLeave", S("x"), S("r1"), S("x", "r2"));         // c2 leaves x and r2
        SetAssert.Equal([c3.Id], await RoomsB.GetMembersAsync("", "x").DefaultTimeout());
        SetAssert.Equal([c3.Id], await RoomsA.GetMembersAsync("", "r2").DefaultTimeout());
        SetAssert.Equal([c2.Id, "y"], await c2.InvokeAsync<string[]>("GetMyRooms"));
    }

    [Fact]
    public async Task DisconnectSockets_disconnects_the_filtered_sockets_and_returns_once_they_are_gone()
    {
        var (c1, c2, c3, c4) = await ArrangeAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        c3.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await c2.InvokeAsync("DisconnectSockets", S("r1"), S(c1.Id));                 // c3

        SetAssert.Equal([c1.Id], await RoomsB.GetMembersAsync("", "r1").DefaultTimeout());
        SetAssert.Equal([c2.Id], await RoomsA.GetMembersAsync("", "r2").DefaultTimeout());
        SetAssert.Equal([c1.Id, c2.Id, c4.Id], await RoomsA.GetMembersAsync("", "").DefaultTimeout());
        await closed.Task.DefaultTimeout();
        Assert.Equal(HubConnectionState.Disconnected, c3.Connection.State);
    }

    [Fact]
    public async Task FetchSockets_carries_user_id_and_app_data_and_handles_act_wherever_the_socket_lives()
    {
        var admin = await ConnectAsync(serverB: true, query: "?user=boss&role=admin");
        var plain = await ConnectAsync(serverB: false);
        await (await RoomsB.GetSocketAsync(admin.Id).DefaultTimeout()).SetDataAsync(new { Score = 3, Team = "blue" }).DefaultTimeout();

        var fetched = await RoomsA.Sockets.FetchSocketsAsync().DefaultTimeout();
        var boss = fetched.Single(s => s.Id == admin.Id);
        Assert.Equal("boss", boss.UserId);
        Assert.Equal(3, boss.Data!.Value.GetProperty("score").GetInt32());
        Assert.Null(fetched.Single(s => s.Id == plain.Id).UserId);

        await boss.JoinAsync("fetched").DefaultTimeout();
        await boss.EmitAsync("message", new { room = (string?)null, from = "server", text = "via handle" }).DefaultTimeout();
        Assert.Equal("via handle", (await admin.NextMessageAsync()).Text);
        SetAssert.Equal([admin.Id, "fetched"], await admin.InvokeAsync<string[]>("GetMyRooms"));
    }

    [Fact]
    public async Task Join_authorization_refuses_with_a_clear_error_and_changes_nothing()
    {
        var plain = await ConnectAsync(serverB: false);
        var admin = await ConnectAsync(serverB: true, query: "?user=boss&role=admin");

        var refused = await Assert.ThrowsAsync<HubException>(() => plain.InvokeAsync("Subscribe", "admin:ops"));
        Assert.Contains("admin:ops", refused.Message);
        Assert.Contains("refused", refused.Message);
        Assert.Empty(await RoomsB.GetMembersAsync("", "admin:ops").DefaultTimeout());

        await admin.InvokeAsync("Subscribe", "admin:ops");
        SetAssert.Equal([admin.Id], await RoomsA.GetMembersAsync("", "admin:ops").DefaultTimeout());

        // Server-side joins are trusted: the hook is for hub callers.
        await RoomsA.JoinAsync(plain.Id, "admin:ops").DefaultTimeout();
        SetAssert.Equal([admin.Id, plain.Id], await RoomsB.GetMembersAsync("", "admin:ops").DefaultTimeout());
    }

    [Fact]
    public async Task A_single_socket_can_be_asked_for_a_result()
    {
        var client = await ConnectAsync(serverB: true);
        client.Connection.On<int, int>("double", x => x * 2);

        var socket = await RoomsA.GetSocketAsync(client.Id).DefaultTimeout();
        Assert.Equal(42, await socket.InvokeAsync<int>("double", [21], TimeSpan.FromSeconds(10)).DefaultTimeout());
    }

    [Fact]
    public async Task Local_targets_only_this_servers_sockets()
    {
        var a1 = await ConnectAsync(serverB: false);
        var b1 = await ConnectAsync(serverB: true);
        var expectedOnA = ReferenceEquals(RoomsA, RoomsB) ? new[] { a1.Id, b1.Id } : [a1.Id];

        SetAssert.Equal(expectedOnA, (await RoomsA.Sockets.Local.FetchSocketsAsync().DefaultTimeout()).Select(s => s.Id));
        await RoomsA.Sockets.Local.EmitAsync("message", new { room = (string?)null, from = "server", text = "local" }).DefaultTimeout();
        Assert.Equal("local", (await a1.NextMessageAsync()).Text);
    }

    [Fact]
    public async Task Room_events_fire_in_Socket_IO_order_on_the_server_that_made_the_change()
    {
        var events = new List<string>();
        var source = (IRoomEvents)RoomsA;
        void Record(string kind, RoomEventArgs e)
        {
            lock (events)
            {
                events.Add($"{kind}:{e.Namespace}:{e.Room}:{e.ConnectionId}");
            }
        }

        EventHandler<RoomEventArgs> created = (_, e) => Record("created", e), deleted = (_, e) => Record("deleted", e),
            joined = (_, e) => Record("joined", e), left = (_, e) => Record("left", e);
        source.RoomCreated += created;
        source.RoomDeleted += deleted;
        source.Joined += joined;
        source.Left += left;
        try
        {
            var c1 = await ConnectAsync(serverB: false);
            var c2 = await ConnectAsync(serverB: false);
            await c1.InvokeAsync("Subscribe", "ev");
            await c2.InvokeAsync("Subscribe", "ev");
            await c1.InvokeAsync("Unsubscribe", "ev");
            await c2.InvokeAsync("Subscribe", "other");
            var c2Id = c2.Id;
            await c2.StopAsync();
            await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(events.Count >= 10), because: "disconnect events (two lefts, two deletes)");

            string[] expected =
            [
                $"created::ev:", $"joined::ev:{c1.Id}", $"joined::ev:{c2Id}", $"left::ev:{c1.Id}",
                $"created::other:", $"joined::other:{c2Id}",
            ];
            lock (events)
            {
                Assert.Equal(expected, events.Take(6));

                // Disconnect: both lefts, then both deletes.
                var tail = events.Skip(6).ToList();
                SetAssert.Equal([$"left::ev:{c2Id}", $"left::other:{c2Id}"], tail.Where(e => e.StartsWith("left", StringComparison.Ordinal)));
                SetAssert.Equal(["deleted::ev:", "deleted::other:"], tail.Where(e => e.StartsWith("deleted", StringComparison.Ordinal)));
                Assert.True(tail.FindLastIndex(e => e.StartsWith("left", StringComparison.Ordinal)) < tail.FindIndex(e => e.StartsWith("deleted", StringComparison.Ordinal)));
            }
        }
        finally
        {
            source.RoomCreated -= created;
            source.RoomDeleted -= deleted;
            source.Joined -= joined;
            source.Left -= left;
        }
    }

    [Fact]
    public async Task Namespaces_are_separate_for_every_v4_operation()
    {
        var chat = await ConnectAsync(serverB: false);
        var news = await ConnectAsync(serverB: true, "/news");
        await chat.InvokeAsync("Subscribe", "shared");
        await news.InvokeAsync("Subscribe", "shared");

        SetAssert.Equal([chat.Id], (await chat.InvokeAsync<JsonElement[]>("FetchSockets", S("shared"), S())).Select(s => s.GetProperty("id").GetString()!));
        SetAssert.Equal([news.Id], (await news.InvokeAsync<JsonElement[]>("FetchSockets", S("shared"), S())).Select(s => s.GetProperty("id").GetString()!));
        await chat.InvokeAsync("SocketsJoin", S(), S(), S("joined-by-chat"));
        Assert.Empty(await RoomsB.GetMembersAsync("/news", "joined-by-chat").DefaultTimeout());
        await chat.InvokeAsync("EmitToRooms", S("shared"), S(), "chat only");
        Assert.Empty(await TextsBeforeMarkerAsync(news, news, "m"));
    }
}
