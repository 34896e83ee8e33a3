using Microsoft.AspNetCore.SignalR;
using RoomFacade;

namespace V4Chat.Hubs;

/// <summary>
/// The v4 chat server of docs/porting.md. Each <c>socket.on('event', ...)</c> is a hub method named after the event;
/// the numbered comments match the Node original line by line.
/// </summary>
public sealed class ChatHub(IRoomManager rooms) : Hub, IDisconnectingHub
{
    private RoomSocket Socket => rooms.Socket(this);

    // Local per-connection state no other server needs (Context.Items, no index round trip).
    private string? Username => Context.Items.TryGetValue("username", out var name) ? (string?)name : null;

    // 1: socket.on("add user", ...)
    [HubMethodName("add user")]
    public async Task AddUser(string username)
    {
        Context.Items["username"] = username;
        await Socket.SetDataAsync(new UserData(username));          // socket.data.username = username
        await Socket.JoinAsync("users");
        await Socket.JoinAsync("user:" + username);
        var numUsers = await rooms.Sockets.CountAsync("users");
        await Socket.EmitAsync("login", new { numUsers });
        await Socket.Broadcast.To("users").EmitAsync("user joined", new { username, numUsers });
    }

    // 2: socket.on("new message", ...)
    [HubMethodName("new message")]
    public Task NewMessage(string message) => Socket.Broadcast.To("users").EmitAsync("new message", new { username = Username, message });

    // 3: socket.on("typing") / socket.on("stop typing")
    [HubMethodName("typing")]
    public Task Typing() => Socket.Broadcast.To("users").EmitAsync("typing", new { username = Username });

    [HubMethodName("stop typing")]
    public Task StopTyping() => Socket.Broadcast.To("users").EmitAsync("stop typing", new { username = Username });

    // 4: socket.on("join channel", async (channel, ack) => ...)
    [HubMethodName("join channel")]
    public async Task<string[]> JoinChannel(string channel)
    {
        await Socket.JoinAsync("#" + channel);
        await Socket.Broadcast.To("#" + channel).EmitAsync("channel joined", new { channel, username = Username });
        return await Members(channel);
    }

    // 5: socket.on("leave channel", ...)
    [HubMethodName("leave channel")]
    public async Task LeaveChannel(string channel)
    {
        await Socket.LeaveAsync("#" + channel);
        await rooms.Sockets.To("#" + channel).EmitAsync("channel left", new { channel, username = Username });
    }

    // 6: socket.on("channels", ack => ack(await io.of("/").adapter.allRooms() ...))
    [HubMethodName("channels")]
    public async Task<string[]> Channels()
        => [.. (await rooms.Sockets.GetRoomNamesAsync()).Where(r => r.StartsWith('#')).Select(r => r[1..]).Order(StringComparer.Ordinal)];

    // 7: socket.on("members", async (channel, ack) => ack((await io.in("#" + channel).fetchSockets()).map(s => s.data.username)))
    [HubMethodName("members")]
    public async Task<string[]> Members(string channel)
        => [.. (await rooms.Sockets.In("#" + channel).FetchSocketsAsync()).Select(s => s.GetData<UserData>()?.Username ?? s.Id).Order(StringComparer.Ordinal)];

    // 8: socket.on("private message", ({ to, text }) => io.to("user:" + to).emit(...))
    [HubMethodName("private message")]
    public Task PrivateMessage(string to, string text) => rooms.Sockets.To("user:" + to).EmitAsync("private message", new { from = Username, text });

    // 9: socket.on("invite", ({ username, channel }) => io.in("user:" + username).socketsJoin("#" + channel))
    [HubMethodName("invite")]
    public Task Invite(string username, string channel) => rooms.Sockets.In("user:" + username).SocketsJoinAsync(["#" + channel]);

    // 10: socket.on("kick", username => io.in("user:" + username).disconnectSockets(true))
    [HubMethodName("kick")]
    public Task Kick(string username) => rooms.Sockets.In("user:" + username).DisconnectSocketsAsync();

    // 11: socket.on("disconnecting", ...): still in every room
    public async Task OnDisconnectingAsync(Exception? exception)
    {
        foreach (var room in await Socket.GetRoomsAsync())
        {
            if (room.StartsWith('#'))
            {
                await Socket.Broadcast.To(room).EmitAsync("channel left", new { channel = room[1..], username = Username });
            }
        }
    }

    // 12: socket.on("disconnect", ...): out of every room, so the count no longer includes this user
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Username is { } username)
        {
            await rooms.Sockets.To("users").EmitAsync("user left", new { username, numUsers = await rooms.Sockets.CountAsync("users") });
        }
    }
}
