using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.LoadDriver;

/// <summary>The answer of a query hub method: how many items were found and the server-side time of the query.</summary>
public sealed record QueryResult(int N, double Ms);

/// <summary>The workload through the room facade (the default namespace, <c>io.sockets</c>), mapped at <c>/facade</c>.</summary>
public sealed class FacadeHub(IRoomManager rooms) : Hub
{
    // socket.join(room)
    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);

    // socket.leave(room)
    public Task Leave(string room) => rooms.Socket(this).LeaveAsync(room);

    // io.sockets.in(room).emit('m', sender, t)
    public Task Broadcast(string room, int sender, long t) => rooms.Sockets.In(room).EmitAsync("m", sender, t);

    // io.sockets.clients(room)
    public async Task<QueryResult> GetClients(string room)
    {
        var start = Stopwatch.GetTimestamp();
        var sockets = await rooms.Sockets.ClientsAsync(room);
        return new QueryResult(sockets.Count, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    // io.sockets.manager.rooms (every room with its members)
    public async Task<QueryResult> GetRoomCount()
    {
        var start = Stopwatch.GetTimestamp();
        var all = await rooms.Manager.GetRoomsAsync();
        return new QueryResult(all.Count, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

/// <summary>The same workload on raw SignalR groups, no facade (not registered as a namespace), mapped at <c>/raw</c>.</summary>
public sealed class RawHub : Hub
{
    public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    public Task Leave(string room) => Groups.RemoveFromGroupAsync(Context.ConnectionId, room);

    public Task Broadcast(string room, int sender, long t) => Clients.Group(room).SendAsync("m", sender, t);
}
