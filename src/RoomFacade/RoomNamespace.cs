
namespace RoomFacade;

/// <summary>
/// A namespace: <c>io.sockets</c> (the default namespace, name <c>""</c>) or <c>io.of('/news')</c>. Each namespace is
/// one SignalR hub type. Emitting on the namespace reaches every connection of that hub.
/// </summary>
public sealed class RoomNamespace : RoomEmitter
{
    private readonly BroadcastOperator _all;

    internal RoomNamespace(RoomManager manager, NamespaceBinding binding)
    {
        _all = new BroadcastOperator(manager, binding, [], []);
        Name = binding.Name;
    }

    /// <summary>The namespace name: <c>""</c> for the default namespace, otherwise with a leading <c>/</c> (<c>"/news"</c>).</summary>
    public string Name { get; }

    /// <summary>An operator targeting <paramref name="room"/> in this namespace (<c>io.sockets.in('room')</c>).</summary>
    /// <param name="room">The room name.</param>
    public BroadcastOperator In(string room) => _all.To(room);

    /// <summary>The same as <see cref="In(string)"/> (<c>io.to('room')</c>).</summary>
    /// <param name="room">The room name.</param>
    public BroadcastOperator To(string room) => _all.To(room);

    /// <summary>An operator targeting the union of <paramref name="rooms"/> in this namespace.</summary>
    /// <param name="rooms">The room names.</param>
    public BroadcastOperator To(IEnumerable<string> rooms) => _all.To(rooms);

    /// <summary>The same as <see cref="To(IEnumerable{string})"/>.</summary>
    /// <param name="rooms">The room names.</param>
    public BroadcastOperator In(IEnumerable<string> rooms) => _all.To(rooms);

    /// <summary>The whole namespace minus the members of <paramref name="room"/> (<c>io.except(room)</c>); a connection id leaves out that connection.</summary>
    /// <param name="room">The room name or connection id.</param>
    public BroadcastOperator Except(string room) => _all.Except(room);

    /// <summary>The whole namespace minus the members of every room in <paramref name="rooms"/>.</summary>
    /// <param name="rooms">The room names or connection ids.</param>
    public BroadcastOperator Except(IEnumerable<string> rooms) => _all.Except(rooms);

    /// <summary>This server's connections of the namespace only (<c>io.local</c>).</summary>
    public BroadcastOperator Local => _all.Local;

    /// <summary>Every socket of the namespace with its id, rooms, user id and data (<c>io.fetchSockets()</c>).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<IReadOnlyList<FetchedSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) => _all.FetchSocketsAsync(cancellationToken);

    /// <summary>Makes every socket of the namespace join <paramref name="rooms"/> (<c>io.socketsJoin</c>); returns once applied everywhere.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task SocketsJoinAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default) => _all.SocketsJoinAsync(rooms, cancellationToken);

    /// <summary>Makes every socket of the namespace leave <paramref name="rooms"/> (<c>io.socketsLeave</c>); returns once applied everywhere.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task SocketsLeaveAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default) => _all.SocketsLeaveAsync(rooms, cancellationToken);

    /// <summary>Disconnects every socket of the namespace (<c>io.disconnectSockets()</c>); returns once done.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task DisconnectSocketsAsync(CancellationToken cancellationToken = default) => _all.DisconnectSocketsAsync(cancellationToken);

    /// <summary>
    /// The sockets in <paramref name="room"/> (<c>io.sockets.clients('room')</c>); with no room, every socket of the
    /// namespace (the catch-all room <c>""</c>). Each handle has the id, the rooms and an emitter.
    /// </summary>
    /// <param name="room">The room name; <c>""</c> for every connection of the namespace.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<IReadOnlyList<RoomSocket>> ClientsAsync(string room = "", CancellationToken cancellationToken = default)
        => _all.To(room).GetSocketsAsync(cancellationToken);

    /// <summary>Emits to every connection of the namespace (<c>io.sockets.emit</c>).</summary>
    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
        => _all.EmitCoreAsync(eventName, args, cancellationToken);

}
