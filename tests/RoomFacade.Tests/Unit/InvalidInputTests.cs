using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoomFacade.Stores;
using Moq;
using RoomFacade.Testing;
using Xunit;
using RoomFacade.Internal;

namespace RoomFacade.Tests.Unit;

/// <summary>Invalid input throws a clear exception and changes nothing: no SignalR call, the index as it was.</summary>
public sealed class InvalidInputTests
{
    private static readonly string TooLong = new('x', RoomFacadeOptions.DefaultMaxRoomNameLength + 1);

    /// <summary>Each case: what to call, the exception type expected, and a fragment its message must contain.</summary>
    private static readonly Dictionary<string, (Func<RoomManager, Task> Act, Type Exception, string Message)> Cases = new()
    {
        ["join null room"] = (m => m.JoinAsync("a", null!), typeof(ArgumentNullException), "room"),
        ["join catch-all room"] = (m => m.JoinAsync("a", ""), typeof(ArgumentException), "catch-all"),
        ["join too long room"] = (m => m.JoinAsync("a", TooLong), typeof(ArgumentException), "MaxRoomNameLength"),
        ["join null connection"] = (m => m.JoinAsync(null!, "room"), typeof(ArgumentNullException), "connectionId"),
        ["join empty connection"] = (m => m.JoinAsync("", "room"), typeof(ArgumentException), "connectionId"),
        ["join unknown connection"] = (m => m.JoinAsync("ghost", "room"), typeof(UnknownConnectionException), "'ghost'"),
        ["leave null room"] = (m => m.LeaveAsync("a", null!), typeof(ArgumentNullException), "room"),
        ["leave catch-all room"] = (m => m.LeaveAsync("a", ""), typeof(ArgumentException), "catch-all"),
        ["leave too long room"] = (m => m.LeaveAsync("a", TooLong), typeof(ArgumentException), "MaxRoomNameLength"),
        ["leave null connection"] = (m => m.LeaveAsync(null!, "room"), typeof(ArgumentNullException), "connectionId"),
        ["leave empty connection"] = (m => m.LeaveAsync("", "room"), typeof(ArgumentException), "connectionId"),
        ["leave unknown connection"] = (m => m.LeaveAsync("ghost", "room"), typeof(UnknownConnectionException), "'ghost'"),
        ["socket join too long room"] = (async m => await (await m.GetSocketAsync("a")).JoinAsync(TooLong), typeof(ArgumentException), "MaxRoomNameLength"),
        ["of unregistered namespace"] = (m => Task.FromResult(m.Of("/nope")), typeof(ArgumentException), "'/nope'"),
        ["of unregistered namespace without slash"] = (m => Task.FromResult(m.Of("nope")), typeof(ArgumentException), "'/nope'"),
        ["of null namespace"] = (m => Task.FromResult(m.Of(null!)), typeof(ArgumentNullException), "namespace"),
        ["rooms of unregistered namespace"] = (m => m.GetRoomsAsync("/nope"), typeof(ArgumentException), "'/nope'"),
        ["members of unregistered namespace"] = (m => m.GetMembersAsync("/nope", "room"), typeof(ArgumentException), "'/nope'"),
        ["members of too long room"] = (m => m.GetMembersAsync("", TooLong), typeof(ArgumentException), "MaxRoomNameLength"),
        ["members of null room"] = (m => m.GetMembersAsync("", null!), typeof(ArgumentNullException), "room"),
        ["rooms of unknown connection"] = (m => m.GetRoomsOfAsync("ghost"), typeof(UnknownConnectionException), "'ghost'"),
        ["rooms of empty connection"] = (m => m.GetRoomsOfAsync(""), typeof(ArgumentException), "connectionId"),
        ["socket of unknown connection"] = (m => m.GetSocketAsync("ghost"), typeof(UnknownConnectionException), "'ghost'"),
        ["socket of null connection"] = (m => m.GetSocketAsync(null!), typeof(ArgumentNullException), "connectionId"),
        ["socket of unregistered hub"] = (m => Task.FromResult(m.Socket(new UnregisteredTestHub())), typeof(ArgumentException), nameof(UnregisteredTestHub)),
        ["socket of null hub"] = (m => Task.FromResult(m.Socket(null!)), typeof(ArgumentNullException), "hub"),
        ["in null room"] = (m => Task.FromResult(m.Sockets.In((string)null!)), typeof(ArgumentNullException), "room"),
        ["in too long room"] = (m => Task.FromResult(m.Sockets.In(TooLong)), typeof(ArgumentException), "MaxRoomNameLength"),
        ["to null room list"] = (m => Task.FromResult(m.Sockets.To((IEnumerable<string>)null!)), typeof(ArgumentNullException), "rooms"),
        ["to room list with a too long room"] = (m => Task.FromResult(m.Sockets.To(["ok", TooLong])), typeof(ArgumentException), "MaxRoomNameLength"),
        ["broadcast to too long room"] = (async m => (await m.GetSocketAsync("a")).Broadcast.To(TooLong), typeof(ArgumentException), "MaxRoomNameLength"),
        ["emit null event"] = (m => m.Sockets.In("room").EmitCoreAsync(null!, []), typeof(ArgumentNullException), "eventName"),
        ["emit null args"] = (m => m.Sockets.EmitCoreAsync("message", null!), typeof(ArgumentNullException), "args"),
        ["socket emit null event"] = (async m => await (await m.GetSocketAsync("a")).EmitCoreAsync(null!, []), typeof(ArgumentNullException), "eventName"),
        ["roomClients of unknown connection"] = (m => m.Manager.GetRoomClientsAsync("ghost"), typeof(UnknownConnectionException), "'ghost'"),
        ["roomClients of empty connection"] = (m => m.Manager.GetRoomClientsAsync(""), typeof(ArgumentException), "connectionId"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Invalid_input_throws_and_changes_nothing(string name)
    {
        var (act, expected, message) = Cases[name];
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.ConnectAsync("/news", "n");
        await h.AddToRoomsAsync("a", "room");
        await h.AddToRoomsAsync("n", "room");
        var before = await h.SnapshotAsync("a", "n", "ghost");

        var ex = await Record.ExceptionAsync(() => act(h.Manager)).DefaultTimeout();

        Assert.NotNull(ex);
        Assert.IsType(expected, ex);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        h.VerifyNoSignalRCalls();
        Assert.Equal(before, await h.SnapshotAsync("a", "n", "ghost"));
    }

    [Fact]
    public void Unregistered_namespace_error_lists_the_registered_ones()
    {
        var h = new FacadeHarness();

        var ex = Assert.Throws<ArgumentException>(() => h.Manager.Of("/nope"));

        Assert.Contains("'/nope' is not registered", ex.Message);
        Assert.Contains("/news", ex.Message);
        Assert.Equal("namespace", ex.ParamName);
    }

    [Fact]
    public void Default_namespace_missing_is_a_clear_error()
    {
        var options = new RoomFacadeOptions();
        options.Namespaces.Add(new NamespaceRegistration("/news", typeof(NewsTestHub), _ => new NamespaceBinding("/news", typeof(NewsTestHub), Mock.Of<IHubClients>(), Mock.Of<IGroupManager>())));
        var registry = new NamespaceRegistry(Options.Create(options), new ServiceCollection().BuildServiceProvider());
        var manager = new RoomManager(new InMemoryRoomMembershipStore(), registry, Options.Create(options), null);

        var ex = Assert.Throws<ArgumentException>(() => manager.Sockets);

        Assert.Contains("default namespace", ex.Message);
        Assert.Equal("/news", manager.Of("news").Name);
    }
}
