using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>What the disconnect moments and room event handlers saw, in order.</summary>
public sealed class MomentLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Add(string line) => _lines.Enqueue(line);

    public string[] Lines => [.. _lines];

    /// <summary>When set, room event handlers wait for it (to prove they are awaited).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource HandlerEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A hub recording, in both disconnect moments, the count and members of room "r" and its own data.</summary>
public sealed class MomentHub(IRoomManager rooms, MomentLog log) : Hub, IDisconnectingHub
{
    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);

    public Task SetName(string name) => rooms.Socket(this).SetDataAsync(name);

    public async Task OnDisconnectingAsync(Exception? exception) => log.Add("disconnecting " + await ObserveAsync());

    public override async Task OnDisconnectedAsync(Exception? exception) => log.Add("disconnected " + await ObserveAsync());

    private async Task<string> ObserveAsync()
    {
        var members = (await rooms.Sockets.AllSocketsAsync("r")).Count(id => id != Context.ConnectionId);
        var self = (await rooms.Sockets.AllSocketsAsync("r")).Contains(Context.ConnectionId);
        return $"count={await rooms.Sockets.CountAsync("r")} others={members} self={self} data={await rooms.Socket(this).GetDataAsync<string>()}";
    }
}

/// <summary>An async room event handler recording every event with its reason and data.</summary>
public sealed class RecordingHandler(MomentLog log) : IRoomEventHandler
{
    public async ValueTask OnRoomEventAsync(RoomEventArgs e, CancellationToken cancellationToken)
    {
        if (log.Gate is { } gate)
        {
            log.HandlerEntered.TrySetResult();
            await gate.Task;
        }

        await Task.Yield();
        log.Add($"event {e.Kind} {e.Room} {e.Reason} data={e.GetData<string>()}");
    }
}

public sealed class DisconnectMomentTests
{
    private static async Task<(TestServer Server, MomentLog Log)> StartAsync(HubDisconnectMoment moment)
    {
        var log = new MomentLog();
        var server = await TestServer.StartAsync(args =>
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddSignalR();
            builder.Services.AddSingleton(log);
            builder.Services.AddRoomFacade(o => o.OnDisconnectedRuns = moment)
                .AddDefaultNamespace<MomentHub>()
                .AddRoomEventHandler<RecordingHandler>();
            var app = builder.Build();
            app.MapHub<MomentHub>("/moment");
            return app;
        });
        return (server, log);
    }

    private static async Task<HubConnection> ConnectAsync(TestServer server)
    {
        var connection = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/moment").Build();
        await connection.StartAsync().DefaultTimeout();
        await connection.InvokeAsync("Join", "r").DefaultTimeout();
        return connection;
    }

    [Theory]
    [InlineData(HubDisconnectMoment.WhileInRooms)]
    [InlineData(HubDisconnectMoment.AfterLeavingRooms)]
    public async Task Both_v4_moments_run_in_order_and_the_disconnect_moment_no_longer_lists_the_leaver(HubDisconnectMoment moment)
    {
        var (server, log) = await StartAsync(moment);
        await using var _ = server;
        await using var stays = await ConnectAsync(server);
        var leaves = await ConnectAsync(server);
        await leaves.InvokeAsync("SetName", "bob").DefaultTimeout();

        await leaves.DisposeAsync().AsTask().DefaultTimeout();
        string[] Recorded() => [.. log.Lines.Where(l => !l.EndsWith(" Join data=", StringComparison.Ordinal))]; // the joins of the set-up aside
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(Recorded().Length >= 3), because: "both moments and the leave event were recorded");

        string[] expected = moment == HubDisconnectMoment.AfterLeavingRooms
            ?
            [
                "disconnecting count=2 others=1 self=True data=bob",  // v4 'disconnecting': still in every room
                "event Left r Disconnect data=bob",                   // the room is left, the awaited handler has run
                "disconnected count=1 others=1 self=False data=bob",  // v4 'disconnect': gone from the room, data still readable
            ]
            :
            [
                "disconnecting count=2 others=1 self=True data=bob",
                "disconnected count=2 others=1 self=True data=bob",   // 0.9 order: OnDisconnectedAsync sees the rooms
                "event Left r Disconnect data=bob",
            ];
        Assert.Equal(expected, Recorded());
    }

    [Fact]
    public async Task Async_room_event_handlers_are_awaited_before_a_join_returns()
    {
        var (server, log) = await StartAsync(HubDisconnectMoment.AfterLeavingRooms);
        await using var _ = server;
        await using var connection = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/moment").Build();
        await connection.StartAsync().DefaultTimeout();
        log.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var join = connection.InvokeAsync("Join", "fresh");
        await log.HandlerEntered.Task.DefaultTimeout();
        Assert.False(join.IsCompleted, "the join returned before its room event handler completed");
        log.Gate.SetResult();
        await join.DefaultTimeout();

        Assert.Equal(["event RoomCreated fresh Join data=", "event Joined fresh Join data="], log.Lines);
    }
}
