using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// The behaviours SignalR's specification asks of a scale-out hub lifetime manager (<c>ScaleoutHubLifetimeManagerTests</c>,
/// same test names), written here with two servers on one real Redis: a redis-server and a 3-master cluster
/// (<see cref="ScaleoutHubLifetimeManagerSpecificationTestsOnRedis"/>, <see cref="ScaleoutHubLifetimeManagerSpecificationTestsOnCluster"/>).
/// </summary>
public abstract class ScaleoutHubLifetimeManagerSpecificationTests(IRedisTarget redis) : BackplaneTestBase(redis)
{
    [Fact]
    public async Task InvokeAllAsyncWithMultipleServersWritesToAllConnectionsOutput()
    {
        var (a, b) = await TwoNodesAsync();
        var (c1, c2) = (await a.ConnectAsync(), await b.ConnectAsync());
        await a.Manager.SendAllAsync("Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        await AssertReceivesAsync(c2, "Hello", "World");
    }

    [Fact]
    public async Task InvokeAllAsyncWithMultipleServersDoesNotWriteToDisconnectedConnectionsOutput()
    {
        var (a, b) = await TwoNodesAsync();
        var (c1, c2, c3) = (await a.ConnectAsync(), await b.ConnectAsync(), await b.ConnectAsync());
        await b.Manager.OnDisconnectedAsync(c2.Context).DefaultTimeout();
        await a.Manager.SendAllAsync("Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        await AssertReceivesAsync(c3, "Hello", "World"); // server 2 handled the message: c2 would have had it by now
        Assert.Null(c2.TryRead());
    }

    [Fact]
    public async Task InvokeConnectionAsyncOnServerWithoutConnectionWritesOutputToConnection()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await b.Manager.SendConnectionAsync(c.Id, "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
    }

    [Fact]
    public async Task InvokeGroupAsyncOnServerWithoutConnectionWritesOutputToGroupConnection()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
    }

    [Fact]
    public async Task DisconnectConnectionRemovesConnectionFromGroup()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await a.Manager.OnDisconnectedAsync(c.Context).DefaultTimeout();
        await a.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        Assert.Null(c.TryRead());
        Assert.Empty(await a.Store.GetMembersAsync(BackplaneNode.PlainHubNamespace, "name").DefaultTimeout());
    }

    [Fact]
    public async Task RemoveGroupFromLocalConnectionNotInGroupDoesNothing()
    {
        var (a, _) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.RemoveFromGroupAsync(c.Id, "name").DefaultTimeout();
        await AssertNothingElseAsync(a, c);
    }

    [Fact]
    public async Task RemoveGroupFromConnectionOnDifferentServerNotInGroupDoesNothing()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await b.Manager.RemoveFromGroupAsync(c.Id, "name").DefaultTimeout(TimeSpan.FromSeconds(5));
        await AssertNothingElseAsync(a, c);
    }

    [Fact]
    public async Task AddGroupAsyncForConnectionOnDifferentServerWorks()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await b.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
    }

    [Fact]
    public async Task AddGroupAsyncForLocalConnectionAlreadyInGroupDoesNothing()
    {
        var (a, _) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await a.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
        await AssertNothingElseAsync(a, c);
    }

    [Fact]
    public async Task AddGroupAsyncForConnectionOnDifferentServerAlreadyInGroupDoesNothing()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
        await AssertNothingElseAsync(b, c);
    }

    [Fact]
    public async Task RemoveGroupAsyncForConnectionOnDifferentServerWorks()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
        await b.Manager.RemoveFromGroupAsync(c.Id, "name").DefaultTimeout();
        await b.Manager.SendGroupAsync("name", "Hello", ["World"]).DefaultTimeout();
        await AssertNothingElseAsync(b, c);
    }

    [Fact]
    public async Task InvokeConnectionAsyncForLocalConnectionDoesNotPublishToBackplane()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        await b.ConnectAsync(connection: new TestConnection(id: c.Id)); // the same id known to both servers
        var before = await CommandStatsAsync();
        await a.Manager.SendConnectionAsync(c.Id, "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
        var after = await CommandStatsAsync();
        Assert.Equal(0, Delta(before, after, "publish") + Delta(before, after, "spublish"));
        Assert.Equal(0, Delta(before, after, "evalsha") + Delta(before, after, "eval"));
        await AssertNothingElseAsync(a, c);
    }

    [Fact]
    public async Task WritingToRemoteConnectionThatFailsDoesNotThrow()
    {
        var (a, b) = await TwoNodesAsync();
        var failing = await a.ConnectAsync(connection: FailingConnection.Create());
        var healthy = await a.ConnectAsync();
        await b.Manager.SendAllAsync("Hello", ["World"]).DefaultTimeout();
        await b.Manager.SendConnectionAsync(failing.Id, "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(healthy, "Hello", "World");
        await AssertNothingElseAsync(b, healthy);
    }

    [Fact]
    public async Task WritingToGroupWithOneConnectionFailingSecondConnectionStillReceivesMessage()
    {
        var (a, _) = await TwoNodesAsync();
        var failing = await a.ConnectAsync(connection: FailingConnection.Create());
        var healthy = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(failing.Id, "group").DefaultTimeout();
        await a.Manager.AddToGroupAsync(healthy.Id, "group").DefaultTimeout();
        await a.Manager.SendGroupAsync("group", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(healthy, "Hello", "World");
        await a.Manager.SendGroupAsync("group", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(healthy, "Hello", "World");
    }

    [Fact]
    public async Task InvokeUserSendsToAllConnectionsForUser()
    {
        var (a, b) = await TwoNodesAsync();
        var (c1, c2, c3) = (await a.ConnectAsync("userA"), await b.ConnectAsync("userA"), await a.ConnectAsync("userB"));
        await b.Manager.SendUserAsync("userA", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        await AssertReceivesAsync(c2, "Hello", "World");
        await AssertNothingElseAsync(b, c3);
    }

    [Fact]
    public async Task StillSubscribedToUserAfterOneOfMultipleConnectionsAssociatedWithUserDisconnects()
    {
        var (a, b) = await TwoNodesAsync();
        var (c1, c2) = (await a.ConnectAsync("userA"), await a.ConnectAsync("userA"));
        await a.Manager.OnDisconnectedAsync(c1.Context).DefaultTimeout();
        await b.Manager.SendUserAsync("userA", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c2, "Hello", "World");
    }

    [Fact]
    public async Task CanProcessClientReturnResultAcrossServers()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        var result = b.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        Assert.True(a.Manager.TryGetReturnType(invocation.InvocationId!, out var type));
        Assert.Equal(typeof(RawResult), type);
        await a.Manager.SetConnectionResultAsync(c.Id, RawResult(invocation.InvocationId!, "10")).DefaultTimeout();
        Assert.Equal(10, await result.DefaultTimeout());
    }

    [Fact]
    public async Task CanProcessClientReturnErrorResultAcrossServers()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        var result = b.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        await a.Manager.SetConnectionResultAsync(c.Id, CompletionMessage.WithError(invocation.InvocationId!, "Error from client")).DefaultTimeout();
        var ex = await Assert.ThrowsAsync<HubException>(() => result.DefaultTimeout());
        Assert.Equal("Error from client", ex.Message);
    }

    [Fact]
    public async Task ConnectionIDNotPresentMultiServerWhenInvokingClientResult()
    {
        var (a, b) = await TwoNodesAsync();
        await a.ConnectAsync();
        await Assert.ThrowsAsync<IOException>(() => b.Manager.InvokeConnectionAsync<int>("none", "Result", ["test"], CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ClientDisconnectsWithoutCompletingClientResultOnSecondServer()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await b.ConnectAsync();
        var result = a.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        await c.ReadInvocationAsync();
        c.Context.Abort();
        await b.Manager.OnDisconnectedAsync(c.Context).DefaultTimeout();
        var ex = await Assert.ThrowsAsync<HubException>(() => result.DefaultTimeout());
        Assert.Equal("Connection disconnected.", ex.Message);
    }

    [Fact]
    public async Task InvocationsFromDifferentServersUseUniqueIDs()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        var fromA = a.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocationA = await c.ReadInvocationAsync();
        var fromB = b.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocationB = await c.ReadInvocationAsync();
        Assert.NotEqual(invocationA.InvocationId, invocationB.InvocationId);
        await a.Manager.SetConnectionResultAsync(c.Id, RawResult(invocationB.InvocationId!, "2")).DefaultTimeout();
        Assert.Equal(2, await fromB.DefaultTimeout());
        Assert.False(fromA.IsCompleted);
        await a.Manager.SetConnectionResultAsync(c.Id, CompletionMessage.WithResult(invocationA.InvocationId!, 1)).DefaultTimeout();
        Assert.Equal(1, await fromA.DefaultTimeout());
    }

    [Fact]
    public async Task ConnectionDoesNotExist_FailsInvokeConnectionAsync()
    {
        var (a, _) = await TwoNodesAsync();
        var ex = await Assert.ThrowsAsync<IOException>(() => a.Manager.InvokeConnectionAsync<int>("1234", "Result", ["test"], CancellationToken.None).DefaultTimeout());
        Assert.Equal("Connection '1234' does not exist.", ex.Message);
    }

    [Fact]
    public async Task ClientReturnResultAcrossServersWithWrongReturnedTypeErrors()
    {
        var (a, b) = await TwoNodesAsync();
        var c = await a.ConnectAsync();
        var result = b.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        await a.Manager.SetConnectionResultAsync(c.Id, RawResult(invocation.InvocationId!, "\"wrong type\"")).DefaultTimeout();
        var ex = await Assert.ThrowsAsync<HubException>(() => result.DefaultTimeout());
        Assert.StartsWith("Error trying to deserialize result to Int32.", ex.Message, StringComparison.Ordinal);
    }
}
