using Microsoft.AspNetCore.SignalR;
using Moq;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Unit;

/// <summary>
/// How each Socket.IO emit shape maps onto SignalR's <see cref="IHubClients"/>: the mocks are strict, so any target
/// other than the expected one fails the test.
/// </summary>
public sealed class BroadcastMappingTests
{
    [Fact]
    public async Task Socket_broadcast_to_room_is_GroupExcept_room_and_sender()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b");
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.GroupExcept("room", Ids.Exactly("a"))).Returns(proxy.Object);

        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();
        await socket.Broadcast.To("room").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.GroupExcept("room", Ids.Exactly("a")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Socket_broadcast_is_AllExcept_sender()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b");
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.AllExcept(Ids.Exactly("a"))).Returns(proxy.Object);

        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();
        await socket.Broadcast.EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.AllExcept(Ids.Exactly("a")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Sockets_in_room_is_Group_room()
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.Group("room")).Returns(proxy.Object);

        await h.Manager.Sockets.In("room").EmitAsync("message", "hi").DefaultTimeout();
        await h.Manager.Sockets.To("room").EmitAsync("message", "hi").DefaultTimeout();

        proxy.Verify(p => p.SendCoreAsync("message", It.Is<object?[]>(a => a.Length == 1 && Equals(a[0], "hi")), It.IsAny<CancellationToken>()), Times.Exactly(2));
        h.Clients.Verify(c => c.Group("room"), Times.Exactly(2));
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Sockets_emit_is_All()
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.All).Returns(proxy.Object);

        await h.Manager.Sockets.EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.All, Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Theory]
    [InlineData("/news")]
    [InlineData("news")]
    public async Task Of_news_in_room_uses_the_news_hub_clients_not_the_default_ones(string name)
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.NewsClients.Setup(c => c.Group("room")).Returns(proxy.Object);

        var news = h.Manager.Of(name);
        Assert.Equal("/news", news.Name);
        await news.In("room").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.NewsClients.Verify(c => c.Group("room"), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Of_news_emit_is_All_of_the_news_hub()
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.NewsClients.Setup(c => c.All).Returns(proxy.Object);

        await h.Manager.Of("/news").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.NewsClients.Verify(c => c.All, Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Of_empty_or_slash_is_the_default_namespace(string name)
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.Group("room")).Returns(proxy.Object);

        var ns = h.Manager.Of(name);
        Assert.Equal("", ns.Name);
        await ns.In("room").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.Group("room"), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task In_the_catch_all_room_is_All()
    {
        var h = new FacadeHarness();
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.All).Returns(proxy.Object);

        await h.Manager.Sockets.In("").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.All, Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Catch_all_in_a_union_is_All_and_broadcast_to_catch_all_is_AllExcept_sender()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        var all = FacadeHarness.NewProxy();
        var allExcept = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.All).Returns(all.Object);
        h.Clients.Setup(c => c.AllExcept(Ids.Exactly("a"))).Returns(allExcept.Object);

        await h.Manager.Sockets.To(["room", ""]).EmitAsync("message", "to-all").DefaultTimeout();
        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();
        await socket.Broadcast.To("").EmitAsync("message", "to-others").DefaultTimeout();

        FacadeHarness.VerifySentOnce(all, "message", "to-all");
        FacadeHarness.VerifySentOnce(allExcept, "message", "to-others");
        h.Clients.Verify(c => c.All, Times.Once);
        h.Clients.Verify(c => c.AllExcept(Ids.Exactly("a")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Two_rooms_are_a_union_from_the_index_each_member_once()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b", "c", "d");
        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("a", "r1");
        await h.AddToRoomsAsync("b", "r1", "r2");
        await h.AddToRoomsAsync("c", "r2");
        await h.AddToRoomsAsync("n", "r1", "r2"); // same room names in another namespace: not part of the union
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.Clients(Ids.Exactly("a", "b", "c"))).Returns(proxy.Object);

        await h.Manager.Sockets.To(["r1", "r2"]).EmitAsync("message", "hi").DefaultTimeout();
        await h.Manager.Sockets.In("r1").In("r2").EmitAsync("message", "hi").DefaultTimeout();

        proxy.Verify(p => p.SendCoreAsync("message", It.Is<object?[]>(a => a.Length == 1 && Equals(a[0], "hi")), It.IsAny<CancellationToken>()), Times.Exactly(2));
        h.Clients.Verify(c => c.Clients(Ids.Exactly("a", "b", "c")), Times.Exactly(2));
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Broadcast_to_two_rooms_is_the_union_without_the_sender()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b", "c", "d");
        await h.AddToRoomsAsync("a", "r1");
        await h.AddToRoomsAsync("b", "r1", "r2");
        await h.AddToRoomsAsync("c", "r2");
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.Clients(Ids.Exactly("a", "c"))).Returns(proxy.Object);

        var sender = await h.Manager.GetSocketAsync("b").DefaultTimeout();
        await sender.Broadcast.To("r1").To("r2").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.Clients.Verify(c => c.Clients(Ids.Exactly("a", "c")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Union_of_news_rooms_uses_the_news_hub_and_the_news_index()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.ConnectAsync("/news", "n1", "n2", "n3");
        await h.AddToRoomsAsync("a", "r1", "r2");
        await h.AddToRoomsAsync("n1", "r1");
        await h.AddToRoomsAsync("n2", "r2");
        var proxy = FacadeHarness.NewProxy();
        h.NewsClients.Setup(c => c.Clients(Ids.Exactly("n1", "n2"))).Returns(proxy.Object);

        await h.Manager.Of("/news").To(["r1", "r2"]).EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.NewsClients.Verify(c => c.Clients(Ids.Exactly("n1", "n2")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Union_with_no_members_sends_nothing()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");

        await h.Manager.Sockets.To(["empty1", "empty2"]).EmitAsync("message", "hi").DefaultTimeout();
        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();
        await h.AddToRoomsAsync("a", "only-a");
        await socket.Broadcast.To(["only-a", "empty"]).EmitAsync("message", "hi").DefaultTimeout();

        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Socket_emit_is_Client_id_of_its_own_namespace()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.ConnectAsync("/news", "n");
        var proxyA = FacadeHarness.NewProxy<ISingleClientProxy>();
        var proxyN = FacadeHarness.NewProxy<ISingleClientProxy>();
        h.Clients.Setup(c => c.Client("a")).Returns(proxyA.Object);
        h.NewsClients.Setup(c => c.Client("n")).Returns(proxyN.Object);

        var a = await h.Manager.GetSocketAsync("a").DefaultTimeout();
        var n = await h.Manager.GetSocketAsync("n").DefaultTimeout();
        Assert.Equal("", a.Namespace);
        Assert.Equal("/news", n.Namespace);
        await a.EmitAsync("message", "to-a").DefaultTimeout();
        await n.EmitAsync("message", "to-n").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxyA, "message", "to-a");
        FacadeHarness.VerifySentOnce(proxyN, "message", "to-n");
        h.Clients.Verify(c => c.Client("a"), Times.Once);
        h.NewsClients.Verify(c => c.Client("n"), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Socket_of_a_hub_is_its_calling_connection_in_the_hubs_namespace()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("/news", "n");
        var context = new Mock<HubCallerContext>();
        context.SetupGet(c => c.ConnectionId).Returns("n");
        using var hub = new NewsTestHub { Context = context.Object };
        var proxy = FacadeHarness.NewProxy();
        h.NewsClients.Setup(c => c.GroupExcept("room", Ids.Exactly("n"))).Returns(proxy.Object);

        var socket = h.Manager.Socket(hub);
        Assert.Equal("n", socket.Id);
        Assert.Equal("/news", socket.Namespace);
        await socket.Broadcast.To("room").EmitAsync("message", "hi").DefaultTimeout();

        FacadeHarness.VerifySentOnce(proxy, "message", "hi");
        h.NewsClients.Verify(c => c.GroupExcept("room", Ids.Exactly("n")), Times.Once);
        h.VerifyNoSignalRCalls();
    }

    [Fact]
    public async Task Emit_passes_the_event_name_and_every_argument_through()
    {
        var h = new FacadeHarness();
        var proxy = new Mock<IClientProxy>(MockBehavior.Strict);
        object?[]? sent = null;
        proxy.Setup(p => p.SendCoreAsync("ev", It.IsAny<object?[]>(), It.IsAny<CancellationToken>()))
            .Callback<string, object?[], CancellationToken>((_, args, _) => sent = args)
            .Returns(Task.CompletedTask);
        h.Clients.Setup(c => c.Group("room")).Returns(proxy.Object);

        await h.Manager.Sockets.In("room").EmitAsync("ev", 1, "two", null).DefaultTimeout();

        Assert.Equal(new object?[] { 1, "two", null }, sent);
    }

    [Fact]
    public void Operators_are_immutable()
    {
        var h = new FacadeHarness();
        var first = h.Manager.Sockets.In("r1");
        var second = first.To("r2");
        var third = second.To(["r3", "r4"]);

        Assert.NotSame(first, second);
        Assert.NotSame(second, third);
        Assert.Equal(["r1"], first.Rooms);
        Assert.Equal(["r1", "r2"], second.Rooms);
        Assert.Equal(["r1", "r2", "r3", "r4"], third.Rooms);
        Assert.Empty(first.ExceptConnectionIds);

        // The namespace itself is not narrowed by In().
        var ns = h.Manager.Sockets;
        _ = ns.In("r9");
        Assert.Equal(["r5"], ns.In("r5").Rooms);

        // A failed To() leaves the operator as it was.
        Assert.ThrowsAny<ArgumentException>(() => second.To(["r5", null!]));
        Assert.Equal(["r1", "r2"], second.Rooms);
    }

    [Fact]
    public async Task Broadcast_operators_of_a_socket_are_independent()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();

        var broadcast = socket.Broadcast;
        var toRoom = broadcast.To("room");

        Assert.Empty(broadcast.Rooms);
        Assert.Equal(["a"], broadcast.ExceptConnectionIds);
        Assert.Equal(["room"], toRoom.Rooms);
        Assert.Equal(["a"], toRoom.ExceptConnectionIds);
        Assert.Empty(socket.Broadcast.Rooms);
        Assert.Equal("", toRoom.Namespace);
    }

    [Fact]
    public async Task Emitting_to_one_room_or_everyone_never_reads_the_index()
    {
        var store = new FaultyStore { FailQueries = true };
        var h = new FacadeHarness(store);
        await h.ConnectAsync("", "a");
        var proxy = FacadeHarness.NewProxy();
        h.Clients.Setup(c => c.Group("room")).Returns(proxy.Object);
        h.Clients.Setup(c => c.GroupExcept("room", Ids.Exactly("a"))).Returns(proxy.Object);
        h.Clients.Setup(c => c.All).Returns(proxy.Object);
        h.Clients.Setup(c => c.AllExcept(Ids.Exactly("a"))).Returns(proxy.Object);
        var socket = await h.Manager.GetSocketAsync("a").DefaultTimeout();

        await h.Manager.Sockets.In("room").EmitAsync("message", 1).DefaultTimeout();
        await socket.Broadcast.To("room").EmitAsync("message", 2).DefaultTimeout();
        await h.Manager.Sockets.EmitAsync("message", 3).DefaultTimeout();
        await socket.Broadcast.EmitAsync("message", 4).DefaultTimeout();

        proxy.Verify(p => p.SendCoreAsync("message", It.IsAny<object?[]>(), It.IsAny<CancellationToken>()), Times.Exactly(4));
        Assert.Equal(0, store.QueryCalls);

        // A union does need the index: the failing store proves the queries above were not made.
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Manager.Sockets.To(["r1", "r2"]).EmitAsync("message", 5)).DefaultTimeout();
        Assert.Equal(1, store.QueryCalls);
    }

    [Fact]
    public async Task Clients_of_a_room_come_from_the_index_with_their_namespace()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b");
        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("a", "room");
        await h.AddToRoomsAsync("n", "room");

        var inRoom = await h.Manager.Sockets.ClientsAsync("room").DefaultTimeout();
        var everyone = await h.Manager.Sockets.ClientsAsync().DefaultTimeout();
        var news = await h.Manager.Of("/news").ClientsAsync("room").DefaultTimeout();

        Assert.Equal(["a"], inRoom.Select(s => s.Id));
        Assert.Equal(["a", "b"], everyone.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["n"], news.Select(s => s.Id));
        Assert.All(news, s => Assert.Equal("/news", s.Namespace));
        Assert.Equal(["a", "room"], (await inRoom[0].GetRoomsAsync().DefaultTimeout()).Order(StringComparer.Ordinal)); // v4 socket.rooms: own id + joined
        h.VerifyNoSignalRCalls();
    }
}
