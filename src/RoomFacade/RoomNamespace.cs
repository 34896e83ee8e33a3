
namespace RoomFacade;

/// <summary>
/// A namespace: <c>io.sockets</c> (the default namespace, name <c>""</c>) or <c>io.of('/news')</c>. Each namespace is
/// one SignalR hub type. Emitting on the namespace reaches every connection of that hub.
/// </summary>
public sealed class RoomNamespace : RoomEmitter
{
    private readonly RoomManager _manager;
    private readonly BroadcastOperator _all;

    internal RoomNamespace(RoomManager manager, NamespaceBinding binding)
    {
        _manager = manager;
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
