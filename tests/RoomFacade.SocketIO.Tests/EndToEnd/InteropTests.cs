using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>A SignalR client and a Socket.IO client in one room of one hub.</summary>
public sealed class InteropTests
{
    [Fact]
    public async Task SignalR_and_SocketIO_clients_in_one_room_get_one_copy_each_and_a_SocketIO_sender_is_excluded_from_its_broadcast()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        await using var node = await NodeDriver.StartAsync();
        node.On("io", "group");
        node.On("io", "said");
        var io = await node.ConnectAsync("io", server.BaseUrl);
        var ioId = io.Str("id");

        var received = new ConcurrentQueue<string>();
        await using var signalR = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/hub").Build();
        signalR.On<string>("group", text => received.Enqueue("group:" + text));
        signalR.On<string>("said", text => received.Enqueue("said:" + text));
        await signalR.StartAsync().DefaultTimeout();
        await signalR.InvokeAsync("Join", "r").DefaultTimeout();
        await node.EmitWithAckAsync("io", "Join", ["r"]);

        // Clients.Group from a SignalR caller reaches both kinds once.
        await signalR.InvokeAsync("GroupSend", "r", "g1").DefaultTimeout();
        await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "group" && e.GetProperty("args")[0].GetString() == "g1");

        // Broadcast.To from the Socket.IO socket: the SignalR client gets it, the sender does not.
        await node.EmitWithAckAsync("io", "SayToRoom", ["r", "s1"]);

        // RoomFacade's EmitAsync from outside any hub reaches both.
        await server.Rooms.Sockets.In("r").EmitAsync("group", "e1").DefaultTimeout();

        // A last marker: once it arrived, everything before it has arrived (one ordered stream per connection).
        await signalR.InvokeAsync("GroupSend", "r", "end").DefaultTimeout();
        await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "group" && e.GetProperty("args")[0].GetString() == "end");
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(received.Contains("group:end")), because: "the SignalR client got the marker");

        string[] nodeEvents = [.. node.Seen.Where(e => e.Ev() == "event" && e.Name() == "io").Select(e => e.Str("event") + ":" + e.GetProperty("args")[0].GetString())];
        Assert.Equal(["group:g1", "group:e1", "group:end"], nodeEvents);
        Assert.Equal(["group:g1", "said:s1", "group:e1", "group:end"], received.ToArray());

        var sockets = await server.Rooms.Sockets.In("r").FetchSocketsAsync().DefaultTimeout();
        Assert.Equal(2, sockets.Count);
        Assert.Contains(sockets, s => s.Id == ioId);
        Assert.Contains(sockets, s => s.Id == signalR.ConnectionId);
    }
}
