using System.Collections.Concurrent;
using ChatRooms;
using ChatRooms.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>The ChatRooms example's hub contract used from socket.io-client exactly as from the SignalR client.</summary>
public sealed class ChatRoomsExampleTests
{
    [Fact]
    public async Task A_SocketIO_client_and_a_SignalR_client_chat_in_one_room_of_the_example()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        await using var node = await NodeDriver.StartAsync();
        node.On("io", "message");
        var io = await node.ConnectAsync("io", server.BaseUrl, new { path = "/socket.io/" });
        Assert.Equal("connect", io.Ev());
        var ioId = io.Str("id");

        var messages = new ConcurrentQueue<ChatMessage>();
        await using var signalR = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/chat").Build();
        signalR.On<ChatMessage>("message", messages.Enqueue);
        await signalR.StartAsync().DefaultTimeout();
        await signalR.InvokeAsync("Subscribe", "lobby").DefaultTimeout();
        await node.EmitWithAckAsync("io", "Subscribe", ["lobby"]);

        // The Socket.IO socket asks for the room's members like a SignalR client would.
        var clients = await node.EmitWithAckAsync("io", "GetClients", ["lobby"]);
        string[] expected = [ioId, signalR.ConnectionId!];
        Assert.Equal(expected.Order(StringComparer.Ordinal), clients.GetProperty("result").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));

        // Socket.IO → SignalR: broadcast.to(room) from the Socket.IO socket.
        await node.EmitWithAckAsync("io", "BroadcastToRoom", ["lobby", "hello from socket.io"]);
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(!messages.IsEmpty), because: "the SignalR client got the broadcast");
        var got = Assert.Single(messages);
        Assert.Equal(new ChatMessage("lobby", ioId, "hello from socket.io"), got);

        // SignalR → Socket.IO: the message arrives as socket.on("message", {room, from, text}).
        await signalR.InvokeAsync("BroadcastToRoom", "lobby", "hello from signalr").DefaultTimeout();
        var message = await node.WaitForAsync(e => e.Ev() == "event" && e.Str("event") == "message");
        var payload = message.GetProperty("args")[0];
        Assert.Equal("lobby", payload.Str("room"));
        Assert.Equal(signalR.ConnectionId, payload.Str("from"));
        Assert.Equal("hello from signalr", payload.Str("text"));

        // The /news namespace is NewsHub.
        var news = await node.ConnectAsync("news", server.BaseUrl + "/news", forceNew: false);
        Assert.Equal("connect", news.Ev());
        var newsClients = await node.EmitWithAckAsync("news", "GetClients", [""]);
        Assert.Equal([news.Str("id")], newsClients.GetProperty("result").EnumerateArray().Select(e => e.GetString()));
    }
}
