using ChatRooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.EndToEnd;

public interface ITypedChatClient
{
    Task Said(string text);
}

/// <summary>A strongly typed hub (<see cref="Hub{T}"/>) registered as a namespace.</summary>
public sealed class TypedChatHub(IRoomManager rooms) : Hub<ITypedChatClient>
{
    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);

    public Task<IReadOnlyCollection<string>> MyRooms() => rooms.Socket(this).GetRoomsAsync();

    public Task SayToOthers(string room, string text) => rooms.Socket(this).Broadcast.To(room).EmitAsync(nameof(ITypedChatClient.Said), text);
}

public sealed class TypedHubAndSelfDisconnectTests
{
    [Fact]
    public async Task Typed_hubs_work_with_the_facade_and_with_IHubContext_of_THub_T()
    {
        await using var server = await TestServer.StartAsync(args =>
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddSignalR();
            builder.Services.AddRoomFacade().AddDefaultNamespace<TypedChatHub>();
            var app = builder.Build();
            app.MapHub<TypedChatHub>("/typed");
            return app;
        });

        async Task<(HubConnection Connection, List<string> Said)> ConnectAsync()
        {
            var said = new List<string>();
            var connection = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/typed").Build();
            connection.On<string>(nameof(ITypedChatClient.Said), text =>
            {
                lock (said)
                {
                    said.Add(text);
                }
            });
            await connection.StartAsync().DefaultTimeout();
            await connection.InvokeAsync<string[]>("MyRooms").DefaultTimeout(); // connected and indexed
            return (connection, said);
        }

        var (a, aSaid) = await ConnectAsync();
        var (b, bSaid) = await ConnectAsync();
        try
        {
            await a.InvokeAsync("Join", "typed-room").DefaultTimeout();
            await b.InvokeAsync("Join", "typed-room").DefaultTimeout();
            Assert.Equal(new[] { a.ConnectionId!, "typed-room" }.Order(), (await a.InvokeAsync<string[]>("MyRooms").DefaultTimeout()).Order());

            await b.InvokeAsync("SayToOthers", "typed-room", "from b").DefaultTimeout();
            var typedContext = server.Services.GetRequiredService<IHubContext<TypedChatHub, ITypedChatClient>>();
            await typedContext.Clients.Group("typed-room").Said("via typed context").DefaultTimeout();
            await server.Rooms.Sockets.In("typed-room").EmitAsync(nameof(ITypedChatClient.Said), "via facade").DefaultTimeout();

            await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(Count(aSaid) == 3 && Count(bSaid) == 2), because: "typed messages delivered");
            lock (aSaid)
            {
                Assert.Equal(["from b", "via typed context", "via facade"], aSaid);
            }

            lock (bSaid)
            {
                Assert.Equal(["via typed context", "via facade"], bSaid);
            }
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }

        static int Count(List<string> list)
        {
            lock (list)
            {
                return list.Count;
            }
        }
    }

    [Fact]
    public async Task DisconnectSockets_may_include_the_caller_without_waiting_for_itself()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        await using var caller = await TestChatClient.ConnectAsync(server.BaseUrl);
        await using var other = await TestChatClient.ConnectAsync(server.BaseUrl);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        caller.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var otherClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        other.Connection.Closed += _ =>
        {
            otherClosed.TrySetResult();
            return Task.CompletedTask;
        };

        // The caller's own connection closes under its invocation: the call either completes or fails as closed.
        var call = caller.Connection.InvokeAsync("DisconnectSockets", Array.Empty<string>(), Array.Empty<string>());
        try
        {
            await call.DefaultTimeout(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            // closed before the result arrived
        }

        await closed.Task.DefaultTimeout(TimeSpan.FromSeconds(10));
        await TaskTimeoutExtensions.WaitUntilAsync(async () => (await server.Rooms.GetMembersAsync("", "")).Count == 0, TimeSpan.FromSeconds(10), "everyone disconnected and out of the index");
        await otherClosed.Task.DefaultTimeout(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, other.Connection.State);
    }
}
