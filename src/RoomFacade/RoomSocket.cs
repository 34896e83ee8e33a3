namespace RoomFacade;

/// <summary>
/// A handle on one connection (a Socket.IO <c>socket</c>): its id, its rooms, joining and leaving, emitting to it,
/// and <see cref="Broadcast"/> to everyone else. Get one with <see cref="IRoomManager.Socket(Microsoft.AspNetCore.SignalR.Hub)"/>
/// in a hub method, <see cref="IRoomManager.GetSocketAsync"/> anywhere, or from <see cref="RoomNamespace.ClientsAsync"/>.
/// </summary>
public sealed class RoomSocket : RoomEmitter
{
    private readonly RoomManager _manager;
    private readonly NamespaceBinding _namespace;

    internal RoomSocket(RoomManager manager, NamespaceBinding @namespace, string id)
    {
        _manager = manager;
        _namespace = @namespace;
        Id = id;
    }

    /// <summary>The SignalR connection id (<c>socket.id</c>).</summary>
    public string Id { get; }

    /// <summary>The namespace of the connection (<c>""</c> for the default namespace).</summary>
    public string Namespace => _namespace.Name;

    /// <summary>
    /// Everyone in this socket's namespace except this socket (<c>socket.broadcast</c>); add <c>.To(room)</c> for
    /// the room except this socket (<c>socket.broadcast.to('room')</c>).
    /// </summary>
    public BroadcastOperator Broadcast => new(_manager, _namespace, [], [Id]);

    /// <summary>Joins <paramref name="room"/> (<c>socket.join('room')</c>). Joining twice is harmless.</summary>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task JoinAsync(string room, CancellationToken cancellationToken = default) => _manager.JoinAsync(Id, room, cancellationToken);

    /// <summary>Leaves <paramref name="room"/> (<c>socket.leave('room')</c>). Leaving a room one is not in is harmless.</summary>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task LeaveAsync(string room, CancellationToken cancellationToken = default) => _manager.LeaveAsync(Id, room, cancellationToken);

    /// <summary>The rooms this socket is in, the catch-all <c>""</c> included.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="UnknownConnectionException">The connection has disconnected.</exception>
    public Task<IReadOnlyCollection<string>> GetRoomsAsync(CancellationToken cancellationToken = default) => _manager.GetRoomsOfAsync(Id, cancellationToken);

    /// <summary>Emits to this socket only.</summary>
    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        return _namespace.Clients.Client(Id).SendCoreAsync(eventName, args, cancellationToken);
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
