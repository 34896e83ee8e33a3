using Microsoft.AspNetCore.SignalR;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>Every row of the room API across servers: clients on different servers, one Redis (the concrete class names its fixture).</summary>
public abstract class ScaleOutEndToEndTests(IRedisTarget redis, string backplane) : IAsyncLifetime
{
    private ScaleOutCluster _cluster = null!;
    private readonly List<TestChatClient> _clients = [];

    public async Task InitializeAsync() => _cluster = await ScaleOutCluster.StartAsync(redis.ConnectionString, 2, ScaleOutCluster.Backplane(backplane));

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    private async Task<TestChatClient> ConnectAsync(int server, string hub = "/chat")
    {
        var client = await TestChatClient.ConnectAsync(_cluster[server].BaseUrl, hub);
        _clients.Add(client);
        return client;
    }

    [Fact]
    public async Task Joins_on_either_server_are_listed_identically_on_both()
    {
        var a = await ConnectAsync(0);
        var b = await ConnectAsync(1);
        var n = await ConnectAsync(1, "/news");
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "lobby");
        await n.InvokeAsync("Subscribe", "sports");

        foreach (var asker in new[] { a, b })
        {
            var rooms = await asker.InvokeAsync<Dictionary<string, string[]>>("GetRooms");
            SetAssert.Equal([a.Id, b.Id], rooms["/lobby"]);
            SetAssert.Equal([a.Id, b.Id], rooms[""]);
            SetAssert.Equal([n.Id], rooms["/news"]);
            SetAssert.Equal([n.Id], rooms["/news/sports"]);
            SetAssert.Equal([a.Id, b.Id], await asker.InvokeAsync<string[]>("GetClients", "lobby"));
            SetAssert.Equal([n.Id], await asker.InvokeAsync<string[]>("GetNamespaceClients", "/news", "sports"));
            var roomClients = await asker.InvokeAsync<Dictionary<string, bool>>("GetRoomClients", n.Id);
            SetAssert.Equal(["/news", "news", "/news/sports", "news/sports"], roomClients.Keys);
        }

        // Duplicate join is harmless; a leave on one server shows on the other; an emptied room is pruned everywhere.
        await b.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Unsubscribe", "lobby");
        await b.InvokeAsync("Unsubscribe", "never-joined");
        SetAssert.Equal([a.Id], await a.InvokeAsync<string[]>("GetClients", "lobby"));
        await n.InvokeAsync("Unsubscribe", "sports");
        var after = await a.InvokeAsync<Dictionary<string, string[]>>("GetRooms");
        SetAssert.Equal(["", "/lobby", "/news"], after.Keys);
    }

    [Fact]
    public async Task Room_emits_cross_servers_and_broadcast_skips_the_sender()
    {
        var a = await ConnectAsync(0);
        var b = await ConnectAsync(1);
        var outsider = await ConnectAsync(0);
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "lobby");

        await b.InvokeAsync("EmitToRoom", "lobby", "to-room");
        Assert.Equal(new ReceivedMessage("lobby", b.Id, "to-room"), await a.NextMessageAsync());
        Assert.Equal(new ReceivedMessage("lobby", b.Id, "to-room"), await b.NextMessageAsync());

        // socket.broadcast.to(room): a (other server) receives; b, the sender, does not — the marker goes through
        // the same group channel after it, so anything b wrongly received would arrive before the marker.
        await b.InvokeAsync("BroadcastToRoom", "lobby", "bcast");
        await b.InvokeAsync("EmitToRoom", "lobby", "marker");
        Assert.Equal(["bcast"], (await a.ReadUntilAsync("marker")).Select(m => m.Text));
        Assert.Empty(await b.ReadUntilAsync("marker"));

        await a.InvokeAsync("EmitToAll", "all-marker");
        Assert.Empty(await outsider.ReadUntilAsync("all-marker"));
    }

    [Fact]
    public async Task Namespace_broadcast_reaches_other_servers_but_not_the_sender_or_other_namespaces()
    {
        var a = await ConnectAsync(0);
        var b = await ConnectAsync(1);
        var news = await ConnectAsync(1, "/news");

        await a.InvokeAsync("Broadcast", "hi all");
        await a.InvokeAsync("EmitToAll", "marker");
        Assert.Equal([new ReceivedMessage(null, a.Id, "hi all")], await b.ReadUntilAsync("marker"));
        Assert.Empty(await a.ReadUntilAsync("marker"));

        await news.InvokeAsync("EmitToAll", "news-marker");
        Assert.Empty(await news.ReadUntilAsync("news-marker"));
    }

    [Fact]
    public async Task Emit_to_another_namespaces_room_reaches_its_members_on_any_server()
    {
        var a = await ConnectAsync(0);
        var inSports = await ConnectAsync(1, "/news");
        var notInSports = await ConnectAsync(0, "/news");
        await inSports.InvokeAsync("Subscribe", "sports");

        await a.InvokeAsync("EmitToNamespaceRoom", "/news", "sports", "goal");
        Assert.Equal(new ReceivedMessage("sports", a.Id, "goal"), await inSports.NextMessageAsync());

        await notInSports.InvokeAsync("EmitToAll", "marker");
        Assert.Empty(await notInSports.ReadUntilAsync("marker"));
    }

    [Fact]
    public async Task A_server_can_join_a_connection_held_by_another_server()
    {
        var a = await ConnectAsync(0);
        var b = await ConnectAsync(1);

        await _cluster[0].Rooms.JoinAsync(b.Id, "vip").DefaultTimeout();

        await a.InvokeAsync("EmitToRoom", "vip", "welcome");
        Assert.Equal("welcome", (await b.NextMessageAsync()).Text);
        SetAssert.Equal([b.Id], await _cluster[1].Rooms.GetMembersAsync("", "vip").DefaultTimeout());
        SetAssert.Equal(["", "vip"], await _cluster[1].Rooms.GetRoomsOfAsync(b.Id).DefaultTimeout());

        await _cluster[0].Rooms.LeaveAsync(b.Id, "vip").DefaultTimeout();
        Assert.Empty(await _cluster[1].Rooms.GetMembersAsync("", "vip").DefaultTimeout());
    }

    [Fact]
    public async Task An_unknown_connection_id_fails_at_once_instead_of_waiting_for_the_backplane_ack()
    {
        await ConnectAsync(0);
        var ex = await Assert.ThrowsAsync<UnknownConnectionException>(() => _cluster[1].Rooms.JoinAsync("no-such-connection", "room").DefaultTimeout(TimeSpan.FromSeconds(5)));
        Assert.Contains("no-such-connection", ex.Message);
        Assert.Empty(await _cluster[0].Rooms.GetMembersAsync("", "room").DefaultTimeout());

        var caller = await ConnectAsync(1);
        var hubError = await Assert.ThrowsAsync<HubException>(() => caller.InvokeAsync<Dictionary<string, bool>>("GetRoomClients", "no-such-connection"));
        Assert.Contains("no-such-connection", hubError.Message);
    }

    [Fact]
    public async Task Disconnect_on_one_server_clears_the_connection_from_listings_on_the_other()
    {
        var a = await ConnectAsync(0);
        var b = await ConnectAsync(1);
        await b.InvokeAsync("Subscribe", "lobby");
        await a.InvokeAsync("Subscribe", "lobby");

        var bId = b.Id;
        await b.StopAsync();

        await TaskTimeoutExtensions.WaitUntilAsync(async () => !(await a.InvokeAsync<string[]>("GetClients", "lobby")).Contains(bId), because: "b left lobby");
        var rooms = await a.InvokeAsync<Dictionary<string, string[]>>("GetRooms");
        SetAssert.Equal([a.Id], rooms["/lobby"]);
        SetAssert.Equal([a.Id], rooms[""]);
    }

    [Fact]
    public async Task Graceful_shutdown_removes_the_servers_connections_at_once()
    {
        var third = await ScaleOutCluster.StartServerAsync(redis.ConnectionString, _cluster.KeyPrefix, ScaleOutCluster.Backplane(backplane));
        var a = await ConnectAsync(0);
        var gone = await TestChatClient.ConnectAsync(third.BaseUrl);
        _clients.Add(gone);
        await gone.InvokeAsync("Subscribe", "lobby");
        SetAssert.Equal([gone.Id], await _cluster[0].Rooms.GetMembersAsync("", "lobby").DefaultTimeout());

        await third.DisposeAsync();

        // No waiting: stopping the server removed its connections before StopAsync returned.
        Assert.Empty(await _cluster[0].Rooms.GetMembersAsync("", "lobby").DefaultTimeout());
        SetAssert.Equal([a.Id], await _cluster[0].Rooms.GetMembersAsync("", "").DefaultTimeout());
    }
}
