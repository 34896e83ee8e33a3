using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// The behaviours SignalR's specification asks of every hub lifetime manager (<c>HubLifetimeManagerTestsBase</c>, same
/// test names), written here against RoomFacade's Redis backplane on a real Redis: a redis-server and a 3-master cluster
/// (<see cref="HubLifetimeManagerSpecificationTestsOnRedis"/>, <see cref="HubLifetimeManagerSpecificationTestsOnCluster"/>).
/// </summary>
public abstract class HubLifetimeManagerSpecificationTests(IRedisTarget redis) : BackplaneTestBase(redis)
{
    [Fact]
    public async Task SendAllAsyncWritesToAllConnectionsOutput()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        await node.Manager.SendAllAsync("Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        await AssertReceivesAsync(c2, "Hello", "World");
    }

    [Fact]
    public async Task SendAllAsyncDoesNotWriteToDisconnectedConnectionsOutput()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        await node.Manager.OnDisconnectedAsync(c2.Context).DefaultTimeout();
        await node.Manager.SendAllAsync("Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        Assert.Null(c2.TryRead());
    }

    [Fact]
    public async Task SendGroupAsyncWritesToAllConnectionsInGroupOutput()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        await node.Manager.AddToGroupAsync(c1.Id, "group").DefaultTimeout();
        await node.Manager.SendGroupAsync("group", "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c1, "Hello", "World");
        Assert.Null(c2.TryRead());
    }

    [Fact]
    public async Task SendGroupExceptAsyncDoesNotWriteToExcludedConnections()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        await node.Manager.AddToGroupAsync(c1.Id, "group").DefaultTimeout();
        await node.Manager.AddToGroupAsync(c2.Id, "group").DefaultTimeout();
        await node.Manager.SendGroupExceptAsync("group", "Hello", ["World"], [c1.Id]).DefaultTimeout();
        await AssertReceivesAsync(c2, "Hello", "World");
        Assert.Null(c1.TryRead());
    }

    [Fact]
    public async Task SendConnectionAsyncWritesToConnectionOutput()
    {
        var node = await NodeAsync();
        var c = await node.ConnectAsync();
        await node.Manager.SendConnectionAsync(c.Id, "Hello", ["World"]).DefaultTimeout();
        await AssertReceivesAsync(c, "Hello", "World");
    }

    [Fact]
    public async Task CanProcessClientReturnResult()
    {
        var node = await NodeAsync();
        var c = await node.ConnectAsync();
        var result = node.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        Assert.NotNull(invocation.InvocationId);
        Assert.True(node.Manager.TryGetReturnType(invocation.InvocationId!, out var type));
        Assert.Equal(typeof(int), type);
        await node.Manager.SetConnectionResultAsync(c.Id, CompletionMessage.WithResult(invocation.InvocationId!, 10)).DefaultTimeout();
        Assert.Equal(10, await result.DefaultTimeout());
    }

    [Fact]
    public async Task CanProcessClientReturnErrorResult()
    {
        var node = await NodeAsync();
        var c = await node.ConnectAsync();
        var result = node.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c.ReadInvocationAsync();
        await node.Manager.SetConnectionResultAsync(c.Id, CompletionMessage.WithError(invocation.InvocationId!, "Error from client")).DefaultTimeout();
        var ex = await Assert.ThrowsAsync<HubException>(() => result.DefaultTimeout());
        Assert.Equal("Error from client", ex.Message);
    }

    [Fact]
    public async Task ExceptionWhenIncorrectClientCompletesClientResult()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        var result = node.Manager.InvokeConnectionAsync<int>(c1.Id, "Result", ["test"], CancellationToken.None);
        var invocation = await c1.ReadInvocationAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => node.Manager.SetConnectionResultAsync(c2.Id, CompletionMessage.WithResult(invocation.InvocationId!, 10)).DefaultTimeout());
        Assert.Equal($"Connection ID '{c2.Id}' is not valid for invocation ID '{invocation.InvocationId}'.", ex.Message);
        Assert.False(result.IsCompleted);
        await node.Manager.SetConnectionResultAsync(c1.Id, CompletionMessage.WithResult(invocation.InvocationId!, 9)).DefaultTimeout();
        Assert.Equal(9, await result.DefaultTimeout());
    }

    [Fact]
    public async Task ConnectionIDNotPresentWhenInvokingClientResult()
    {
        var node = await NodeAsync();
        await node.ConnectAsync();
        await Assert.ThrowsAsync<IOException>(() => node.Manager.InvokeConnectionAsync<int>("none", "Result", ["test"], CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task InvokesForMultipleClientsDoNotCollide()
    {
        var node = await NodeAsync();
        var (c1, c2) = (await node.ConnectAsync(), await node.ConnectAsync());
        var r1 = node.Manager.InvokeConnectionAsync<int>(c1.Id, "Result", ["test"], CancellationToken.None);
        var r2 = node.Manager.InvokeConnectionAsync<int>(c2.Id, "Result", ["test"], CancellationToken.None);
        var i1 = await c1.ReadInvocationAsync();
        var i2 = await c2.ReadInvocationAsync();
        Assert.NotEqual(i1.InvocationId, i2.InvocationId);
        await node.Manager.SetConnectionResultAsync(c1.Id, CompletionMessage.WithResult(i1.InvocationId!, 1)).DefaultTimeout();
        Assert.Equal(1, await r1.DefaultTimeout());
        Assert.False(r2.IsCompleted);
        await node.Manager.SetConnectionResultAsync(c2.Id, CompletionMessage.WithResult(i2.InvocationId!, 2)).DefaultTimeout();
        Assert.Equal(2, await r2.DefaultTimeout());
    }

    [Fact]
    public async Task ClientDisconnectsWithoutCompletingClientResult()
    {
        var node = await NodeAsync();
        var c = await node.ConnectAsync();
        var result = node.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], CancellationToken.None);
        await c.ReadInvocationAsync();
        c.Context.Abort();
        await node.Manager.OnDisconnectedAsync(c.Context).DefaultTimeout();
        var ex = await Assert.ThrowsAsync<IOException>(() => result.DefaultTimeout());
        Assert.Equal($"Connection '{c.Id}' disconnected.", ex.Message);
    }

    [Fact]
    public async Task CanCancelClientResult()
    {
        var node = await NodeAsync();
        var c = await node.ConnectAsync();
        using var cts = new CancellationTokenSource();
        var result = node.Manager.InvokeConnectionAsync<int>(c.Id, "Result", ["test"], cts.Token);
        var invocation = await c.ReadInvocationAsync();
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<HubException>(() => result.DefaultTimeout());
        Assert.Equal("Invocation canceled by the server.", ex.Message);
        Assert.False(node.Manager.TryGetReturnType(invocation.InvocationId!, out _));

        // A late result is ignored.
        await node.Manager.SetConnectionResultAsync(c.Id, CompletionMessage.WithResult(invocation.InvocationId!, 10)).DefaultTimeout();
        Assert.IsType<CancelInvocationMessage>(await c.ReadAsync());
    }
}
