using RoomFacade.Internal;

namespace RoomFacade;

/// <summary>
/// A namespace: <c>io.sockets</c> (the default namespace, name <c>""</c>) or <c>io.of('/news')</c>. Each namespace is
/// one SignalR hub type. Emitting on the namespace reaches every connection of that hub.
/// </summary>
public sealed class RoomNamespace : RoomEmitter
{
    private readonly BroadcastOperator _all;
    private readonly RoomManager _manager;

    internal RoomNamespace(RoomManager manager, NamespaceBinding binding)
    {
        _manager = manager;
        _all = new BroadcastOperator(manager, binding, [], []);
        Name = binding.Name;
        HubType = binding.HubType;
    }

    /// <summary>The SignalR hub type registered as this namespace (used by protocol bridges such as <c>RoomFacade.SocketIO</c>).</summary>
    public Type HubType { get; }

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

    /// <summary>
    /// How many sockets are in <paramref name="room"/> (<c>io.of(ns).adapter.rooms.get(room)?.size</c>); with no room,
    /// every socket of the namespace (<c>io.of(ns).sockets.size</c>). One count in the index (Redis: one round trip).
    /// </summary>
    /// <param name="room">The room name, or a connection id (its own-id room: 1); <c>""</c> for the whole namespace.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<long> CountAsync(string room = "", CancellationToken cancellationToken = default) => _all.To(room).CountAsync(cancellationToken);

    /// <summary>
    /// The ids of the sockets in <paramref name="room"/> (<c>io.in(room).allSockets()</c>); with no room, of every socket of
    /// the namespace (<c>io.allSockets()</c>).
    /// </summary>
    /// <param name="room">The room name; <c>""</c> for the whole namespace.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<IReadOnlyCollection<string>> AllSocketsAsync(string room = "", CancellationToken cancellationToken = default) => _all.To(room).AllSocketsAsync(cancellationToken);

    /// <summary>
    /// The names of the rooms of the namespace that have members, without the members (the Redis adapter's
    /// <c>allRooms()</c>, a channel list). Named rooms only: neither the catch-all <c>""</c> nor connections' own-id rooms.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyCollection<string>> GetRoomNamesAsync(CancellationToken cancellationToken = default)
    {
        var names = await _manager.Store.GetRoomNamesAsync(Name, cancellationToken).ConfigureAwait(false);
        return [.. names.Where(n => n.Length > 0)];
    }

    /// <summary>
    /// Every room of the namespace that has members, with the members' ids (<c>io.of(ns).adapter.rooms</c> without
    /// own-id rooms), the catch-all <c>""</c> included while anyone is connected. Loads every member: for names only use
    /// <see cref="GetRoomNamesAsync"/>, for a size <see cref="CountAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(CancellationToken cancellationToken = default)
        => _manager.GetRoomsAsync(Name, cancellationToken);

    /// <summary>Emits to every connection of the namespace (<c>io.sockets.emit</c>).</summary>
    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
        => _all.EmitCoreAsync(eventName, args, cancellationToken);
}
