using System.Collections.Immutable;
using Microsoft.AspNetCore.SignalR;

namespace RoomFacade;

/// <summary>
/// An immutable emit target in one namespace: some rooms (none means the whole namespace), minus some
/// connections. <c>io.sockets.in('room')</c>, <c>socket.broadcast</c> and <c>socket.broadcast.to('room')</c> are
/// broadcast operators. Every method returns a new operator; an operator can be kept and reused.
/// </summary>
/// <remarks>
/// Emitting maps to SignalR's own targets, with no index look-up: the whole namespace is <c>All</c> /
/// <c>AllExcept</c>, one room is <c>Group</c> / <c>GroupExcept</c>. Only several rooms at once (a union, each
/// connection receiving once) ask the index for the member ids and send with <c>Clients(ids)</c>.
/// </remarks>
public sealed class BroadcastOperator : RoomEmitter
{
    private readonly RoomManager _manager;
    private readonly NamespaceBinding _namespace;
    private readonly ImmutableArray<string> _rooms;
    private readonly ImmutableArray<string> _exceptConnectionIds;

    internal BroadcastOperator(RoomManager manager, NamespaceBinding @namespace, ImmutableArray<string> rooms, ImmutableArray<string> exceptConnectionIds)
    {
        _manager = manager;
        _namespace = @namespace;
        _rooms = rooms;
        _exceptConnectionIds = exceptConnectionIds;
    }

    /// <summary>The namespace this operator emits in (<c>""</c> for the default namespace).</summary>
    public string Namespace => _namespace.Name;

    /// <summary>The rooms targeted; empty means the whole namespace.</summary>
    public IReadOnlyList<string> Rooms => _rooms;

    /// <summary>The connections excluded from the target (for <c>socket.broadcast</c>, the sender).</summary>
    public IReadOnlyList<string> ExceptConnectionIds => _exceptConnectionIds;

    /// <summary>A new operator that also targets <paramref name="room"/> (<c>.to(room)</c>). Targeting <c>""</c> targets the whole namespace.</summary>
    /// <param name="room">The room name.</param>
    /// <exception cref="ArgumentException">The room name is null or too long.</exception>
    public BroadcastOperator To(string room)
    {
        NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: true);
        return _rooms.Contains(room, StringComparer.Ordinal)
            ? this
            : new BroadcastOperator(_manager, _namespace, _rooms.Add(room), _exceptConnectionIds);
    }

    /// <summary>A new operator that also targets every room in <paramref name="rooms"/> (a union: each connection receives once).</summary>
    /// <param name="rooms">The room names.</param>
    /// <exception cref="ArgumentException">A room name is null or too long.</exception>
    public BroadcastOperator To(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        var builder = _rooms.ToBuilder();
        foreach (var room in rooms)
        {
            NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: true, nameof(rooms));
            if (!builder.Contains(room, StringComparer.Ordinal))
            {
                builder.Add(room);
            }
        }

        return builder.Count == _rooms.Length ? this : new BroadcastOperator(_manager, _namespace, builder.ToImmutable(), _exceptConnectionIds);
    }

    /// <summary>The same as <see cref="To(string)"/> (<c>.in(room)</c>).</summary>
    /// <param name="room">The room name.</param>
    public BroadcastOperator In(string room) => To(room);

    /// <summary>The same as <see cref="To(IEnumerable{string})"/>.</summary>
    /// <param name="rooms">The room names.</param>
    public BroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    internal NamespaceBinding Binding => _namespace;

    internal BroadcastOperator ExceptConnection(string connectionId)
        => _exceptConnectionIds.Contains(connectionId, StringComparer.Ordinal)
            ? this
            : new BroadcastOperator(_manager, _namespace, _rooms, _exceptConnectionIds.Add(connectionId));

    /// <summary>Lists the sockets this operator targets, each with its id, rooms and an emitter of its own.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<RoomSocket>> GetSocketsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        return [.. ids.Select(id => new RoomSocket(_manager, _namespace, id))];
    }

    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        var target = ResolveSignalRTarget();
        return target is not null
            ? target.SendCoreAsync(eventName, args, cancellationToken)
            : EmitToUnionAsync(eventName, args, cancellationToken);
    }

    /// <summary>The SignalR target expressing this operator without the index, or null when it needs the index.</summary>
    internal IClientProxy? ResolveSignalRTarget()
    {
        var clients = _namespace.Clients;
        if (_rooms.IsEmpty || _rooms.Contains(string.Empty))
        {
            return _exceptConnectionIds.IsEmpty ? clients.All : clients.AllExcept(_exceptConnectionIds);
        }

        if (_rooms.Length == 1)
        {
            return _exceptConnectionIds.IsEmpty ? clients.Group(_rooms[0]) : clients.GroupExcept(_rooms[0], _exceptConnectionIds);
        }

        return null;
    }

    private async Task EmitToUnionAsync(string eventName, object?[] args, CancellationToken cancellationToken)
    {
        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count > 0)
        {
            await _namespace.Clients.Clients(ids).SendCoreAsync(eventName, args, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> ResolveIdsAsync(CancellationToken cancellationToken)
    {
        var rooms = _rooms.IsEmpty || _rooms.Contains(string.Empty) ? [string.Empty] : _rooms;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            ids.UnionWith(await _manager.GetMembersCoreAsync(_namespace.Name, room, cancellationToken).ConfigureAwait(false));
        }

        ids.ExceptWith(_exceptConnectionIds);
        return [.. ids];
    }
}
