using Microsoft.AspNetCore.SignalR;
using RoomFacade;

namespace ChatRooms.Hubs;

/// <summary>
/// The chat contract shared by both namespaces. Each method is one line of the room facade; the comment names the
/// Socket.IO call it ports. (RoomFacade needs no base class: this one only keeps the two example hubs identical.)
/// </summary>
public abstract class RoomsHub(IRoomManager rooms) : Hub
{
    private RoomSocket Me => rooms.Socket(this);

    // socket.join(room)
    public Task Subscribe(string room) => Me.JoinAsync(room);

    // socket.leave(room)
    public Task Unsubscribe(string room) => Me.LeaveAsync(room);

    // socket.broadcast.to(room).emit('message', ...)
    public Task BroadcastToRoom(string room, string text) => Me.Broadcast.To(room).EmitAsync("message", new ChatMessage(room, Me.Id, text));

    // socket.broadcast.emit('message', ...)
    public Task Broadcast(string text) => Me.Broadcast.EmitAsync("message", new ChatMessage(null, Me.Id, text));

    // io.of(myNamespace).in(room).emit('message', ...)
    public Task EmitToRoom(string room, string text) => rooms.Of(Me.Namespace).In(room).EmitAsync("message", new ChatMessage(room, Me.Id, text));

    // io.of(myNamespace).emit('message', ...)
    public Task EmitToAll(string text) => rooms.Of(Me.Namespace).EmitAsync("message", new ChatMessage(null, Me.Id, text));

    // io.of(ns).in(room).emit('message', ...)
    public Task EmitToNamespaceRoom(string ns, string room, string text) => rooms.Of(ns).In(room).EmitAsync("message", new ChatMessage(room, Me.Id, text));

    // io.sockets.manager.rooms
    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRooms() => rooms.Manager.GetRoomsAsync();

    // io.of(myNamespace).clients(room)
    public async Task<string[]> GetClients(string room) => [.. (await rooms.Of(Me.Namespace).ClientsAsync(room)).Select(s => s.Id)];

    // io.of(ns).clients(room)
    public async Task<string[]> GetNamespaceClients(string ns, string room) => [.. (await rooms.Of(ns).ClientsAsync(room)).Select(s => s.Id)];

    // io.sockets.manager.roomClients[connectionId]
    public Task<IReadOnlyDictionary<string, bool>> GetRoomClients(string connectionId) => rooms.Manager.GetRoomClientsAsync(connectionId);

    // ---- Socket.IO v4 surface (an empty rooms array means the whole namespace, as in Socket.IO) ----

    // socket.rooms (own id included)
    public Task<IReadOnlyCollection<string>> GetMyRooms() => Me.GetRoomsAsync();

    // io.to(rooms).except(except).emit('message', ...)
    public Task EmitToRooms(string[] rooms, string[] except, string text) => Target(rooms, except).EmitAsync("message", new ChatMessage(null, Me.Id, text));

    // io.in(rooms).except(except).fetchSockets()
    public async Task<SocketInfo[]> FetchSockets(string[] rooms, string[] except) => [.. (await Target(rooms, except).FetchSocketsAsync()).Select(s => new SocketInfo(s.Id, [.. s.Rooms]))];

    // io.in(rooms).except(except).socketsJoin(targets)
    public Task SocketsJoin(string[] rooms, string[] except, string[] targets) => Target(rooms, except).SocketsJoinAsync(targets);

    // io.in(rooms).except(except).socketsLeave(targets)
    public Task SocketsLeave(string[] rooms, string[] except, string[] targets) => Target(rooms, except).SocketsLeaveAsync(targets);

    // io.in(rooms).except(except).disconnectSockets()
    public Task DisconnectSockets(string[] rooms, string[] except) => Target(rooms, except).DisconnectSocketsAsync();

    private BroadcastOperator Target(string[] roomNames, string[] except) => rooms.Of(Me.Namespace).To(roomNames).Except(except);
}

/// <summary>What <c>FetchSockets</c> returns per socket: <c>{ id, rooms }</c>.</summary>
public sealed record SocketInfo(string Id, string[] Rooms);

/// <summary>The default namespace (<c>io.sockets</c>), mapped at <c>/chat</c>.</summary>
public sealed class ChatHub(IRoomManager rooms) : RoomsHub(rooms);

/// <summary>The namespace <c>/news</c> (<c>io.of('/news')</c>), mapped at <c>/news</c>.</summary>
public sealed class NewsHub(IRoomManager rooms) : RoomsHub(rooms);
