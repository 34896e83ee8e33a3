using System.Collections.Immutable;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.Internal;

namespace RoomFacade;

/// <summary>
/// An immutable target in one namespace: some rooms (none means the whole namespace), minus some rooms or connections,
/// optionally only this server's connections. <c>io.to('room')</c>, <c>io.to(['a','b']).except('c')</c>,
/// <c>socket.broadcast.to('room')</c> and <c>io.local</c> are broadcast operators. Every method returns a new operator;
/// an operator can be kept and reused.
/// </summary>
/// <remarks>
/// <para>Emitting maps to SignalR's own targets with no index look-up whenever SignalR can express the target: the whole
/// namespace is <c>All</c> / <c>AllExcept</c>, one room is <c>Group</c> / <c>GroupExcept</c>. Several rooms (a union:
/// each connection receives once), <see cref="Except(string)"/> and <see cref="Local"/> ask the index for ids first.</para>
/// <para>Every connection is also in the room named by its id (<see cref="RoomFacadeOptions.OwnIdRooms"/>), so
/// <c>To(id)</c> reaches exactly that connection and <c>Except(id)</c> leaves it out. Exclusion beats inclusion.</para>
/// </remarks>
public sealed class BroadcastOperator : RoomEmitter
{
    private const int MaxParallelOperations = 16;

    private readonly RoomManager _manager;
    private readonly NamespaceBinding _namespace;
    private readonly ImmutableArray<string> _rooms;
    private readonly ImmutableArray<string> _exceptRooms;
    private readonly ImmutableArray<string> _exceptConnectionIds;
    private readonly bool _local;

    internal BroadcastOperator(RoomManager manager, NamespaceBinding @namespace, ImmutableArray<string> rooms, ImmutableArray<string> exceptConnectionIds)
        : this(manager, @namespace, rooms, [], exceptConnectionIds, local: false)
    {
    }

    private BroadcastOperator(RoomManager manager, NamespaceBinding @namespace, ImmutableArray<string> rooms, ImmutableArray<string> exceptRooms, ImmutableArray<string> exceptConnectionIds, bool local)
    {
        _manager = manager;
        _namespace = @namespace;
        _rooms = rooms;
        _exceptRooms = exceptRooms;
        _exceptConnectionIds = exceptConnectionIds;
        _local = local;
    }

    /// <summary>The namespace this operator targets (<c>""</c> for the default namespace).</summary>
    public string Namespace => _namespace.Name;

    /// <summary>The rooms targeted; empty means the whole namespace.</summary>
    public IReadOnlyList<string> Rooms => _rooms;

    /// <summary>The rooms (or connection ids: own-id rooms) excluded with <see cref="Except(string)"/>.</summary>
    public IReadOnlyList<string> ExceptRooms => _exceptRooms;

    /// <summary>The connections excluded by the operator itself (for <c>socket.broadcast</c>, the sender).</summary>
    public IReadOnlyList<string> ExceptConnectionIds => _exceptConnectionIds;

    /// <summary>Whether only this server's connections are targeted (<see cref="Local"/>).</summary>
    public bool IsLocal => _local;

    /// <summary>A new operator that also targets <paramref name="room"/> (<c>.to(room)</c>). Targeting <c>""</c> targets the whole namespace.</summary>
    /// <param name="room">The room name, or a connection id (its own-id room).</param>
    /// <exception cref="ArgumentException">The room name is null or too long.</exception>
    public BroadcastOperator To(string room)
    {
        NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: true);
        return _rooms.Contains(room, StringComparer.Ordinal) ? this : With(rooms: _rooms.Add(room));
    }

    /// <summary>A new operator that also targets every room in <paramref name="rooms"/> (a union: each connection receives once).</summary>
    /// <param name="rooms">The room names.</param>
    /// <exception cref="ArgumentException">A room name is null or too long.</exception>
    public BroadcastOperator To(IEnumerable<string> rooms) => With(rooms: AddAll(_rooms, rooms, nameof(rooms)));

    /// <summary>The same as <see cref="To(string)"/> (<c>.in(room)</c>).</summary>
    /// <param name="room">The room name.</param>
    public BroadcastOperator In(string room) => To(room);

    /// <summary>The same as <see cref="To(IEnumerable{string})"/>.</summary>
    /// <param name="rooms">The room names.</param>
    public BroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    /// <summary>A new operator that leaves out the members of <paramref name="room"/> (<c>.except(room)</c>); a connection id leaves out that connection.</summary>
    /// <param name="room">The room name or connection id.</param>
    public BroadcastOperator Except(string room)
    {
        NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: true);
        return _exceptRooms.Contains(room, StringComparer.Ordinal) ? this : With(exceptRooms: _exceptRooms.Add(room));
    }

    /// <summary>A new operator that leaves out the members of every room in <paramref name="rooms"/>.</summary>
    /// <param name="rooms">The room names or connection ids.</param>
    public BroadcastOperator Except(IEnumerable<string> rooms) => With(exceptRooms: AddAll(_exceptRooms, rooms, nameof(rooms)));

    /// <summary>A new operator that targets only the connections held by this server (<c>.local</c>).</summary>
    public BroadcastOperator Local => _local ? this : With(local: true);

    /// <summary>
    /// Lists the sockets this operator targets (<c>fetchSockets()</c>): id, rooms, user id and app data, with handles to
    /// act on them. Two index calls in all (the ids, then every socket's rooms and data at once), not two per socket.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<FetchedSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return [];
        }

        var details = await _manager.Store.GetConnectionDetailsAsync(ids, cancellationToken).ConfigureAwait(false);
        var fetched = new List<FetchedSocket>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (details[i] is not { Rooms.Count: > 0 } found)
            {
                continue; // disconnected meanwhile
            }

            var id = ids[i];
            var socket = new RoomSocket(_manager, _namespace, id, _manager.LocalConnections.TryGet(id, out var context) ? context : null);
            fetched.Add(new FetchedSocket(socket, RoomSocket.ToV4Rooms(id, found.Rooms, _manager.OwnIdRooms), found.Attributes));
        }

        return fetched;
    }

    /// <summary>The ids of the sockets this operator targets (<c>allSockets()</c>), without handles.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyCollection<string>> AllSocketsAsync(CancellationToken cancellationToken = default)
        => await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// How many sockets this operator targets (<c>io.in(room)</c>'s size: <c>numUsers</c>). One room (or the whole
    /// namespace) with no exclusions is one count in the index (Redis: one round trip, the own-id room included); other
    /// shapes count the ids.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (_local || !_exceptRooms.IsEmpty || !_exceptConnectionIds.IsEmpty || _rooms.Length > 1)
        {
            return (await ResolveIdsAsync(cancellationToken).ConfigureAwait(false)).Count;
        }

        var room = _rooms.IsEmpty ? string.Empty : _rooms[0];
        return await _manager.CountRoomMembersV4Async(_namespace.Name, room, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists handles on the sockets this operator targets (cheaper than <see cref="FetchSocketsAsync"/>: ids only).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<RoomSocket>> GetSocketsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        return [.. ids.Select(id => new RoomSocket(_manager, _namespace, id, _manager.LocalConnections.TryGet(id, out var context) ? context : null))];
    }

    /// <summary>Makes every targeted socket join <paramref name="rooms"/> (<c>socketsJoin</c>); returns once applied on every server.</summary>
    /// <param name="rooms">The rooms to join.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task SocketsJoinAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default)
        => ForEachTargetAsync(rooms, (id, room, ct) => _manager.JoinAsync(id, room, ct), cancellationToken);

    /// <summary>Makes every targeted socket leave <paramref name="rooms"/> (<c>socketsLeave</c>); returns once applied on every server.</summary>
    /// <param name="rooms">The rooms to leave.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task SocketsLeaveAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default)
        => ForEachTargetAsync(rooms, (id, room, ct) => _manager.LeaveAsync(id, room, ct), cancellationToken);

    /// <summary>Disconnects every targeted socket (<c>disconnectSockets</c>); returns once each is disconnected and out of every room.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task DisconnectSocketsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelOperations, CancellationToken = cancellationToken },
            async (id, ct) => await _manager.DisconnectAsync(id, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        var target = ResolveSignalRTarget();
        return target is not null
            ? target.SendCoreAsync(eventName, args, cancellationToken)
            : EmitWithIndexAsync(eventName, args, cancellationToken);
    }

    /// <summary>The SignalR target expressing this operator without the index, or null when it needs the index.</summary>
    internal IClientProxy? ResolveSignalRTarget() => _local || !_exceptRooms.IsEmpty ? null : SignalRTarget(_exceptConnectionIds);

    /// <summary>The SignalR target for this operator's rooms minus <paramref name="exceptIds"/>; null for several rooms.</summary>
    private IClientProxy? SignalRTarget(IReadOnlyList<string> exceptIds)
    {
        var clients = _namespace.Clients;
        if (_rooms.IsEmpty || _rooms.Contains(string.Empty))
        {
            return exceptIds.Count == 0 ? clients.All : clients.AllExcept(exceptIds);
        }

        if (_rooms.Length == 1)
        {
            return exceptIds.Count == 0 ? clients.Group(_rooms[0]) : clients.GroupExcept(_rooms[0], exceptIds);
        }

        return null;
    }

    private async Task EmitWithIndexAsync(string eventName, object?[] args, CancellationToken cancellationToken)
    {
        if (!_local && (_rooms.Length <= 1 || _rooms.Contains(string.Empty)))
        {
            // One room or the whole namespace, minus rooms: SignalR still routes, the index only names the excluded ids.
            var except = await ResolveExceptIdsAsync(cancellationToken).ConfigureAwait(false);
            await SignalRTarget([.. except])!.SendCoreAsync(eventName, args, cancellationToken).ConfigureAwait(false);
            return;
        }

        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count > 0)
        {
            await _namespace.Clients.Clients(ids).SendCoreAsync(eventName, args, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids this operator targets: the union of its rooms, minus excluded rooms and ids, optionally local only.</summary>
    internal async Task<IReadOnlyList<string>> ResolveIdsAsync(CancellationToken cancellationToken)
    {
        var rooms = _rooms.IsEmpty || _rooms.Contains(string.Empty) ? [string.Empty] : _rooms;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            ids.UnionWith(await _manager.GetRoomMembersV4Async(_namespace.Name, room, cancellationToken).ConfigureAwait(false));
        }

        if (!_exceptConnectionIds.IsEmpty || !_exceptRooms.IsEmpty)
        {
            ids.ExceptWith(await ResolveExceptIdsAsync(cancellationToken).ConfigureAwait(false));
        }

        if (_local)
        {
            ids.RemoveWhere(id => !_manager.LocalConnections.Contains(id));
        }

        return [.. ids];
    }

    private async Task<HashSet<string>> ResolveExceptIdsAsync(CancellationToken cancellationToken)
    {
        var except = new HashSet<string>(_exceptConnectionIds, StringComparer.Ordinal);
        foreach (var room in _exceptRooms)
        {
            except.UnionWith(await _manager.GetRoomMembersV4Async(_namespace.Name, room, cancellationToken).ConfigureAwait(false));
        }

        return except;
    }

    private async Task ForEachTargetAsync(IEnumerable<string> rooms, Func<string, string, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        ClearErrors.ThrowIfNull(rooms);
        var list = rooms.ToArray();
        foreach (var room in list)
        {
            NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: false, nameof(rooms));
        }

        var ids = await ResolveIdsAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelOperations, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            foreach (var room in list)
            {
                if (_manager.OwnIdRooms && room == id)
                {
                    continue; // a connection's own-id room is not joined or left
                }

                try
                {
                    await action(id, room, ct).ConfigureAwait(false);
                }
                catch (UnknownConnectionException)
                {
                    return; // disconnected meanwhile: nothing to apply
                }
            }
        }).ConfigureAwait(false);
    }

    private BroadcastOperator With(ImmutableArray<string>? rooms = null, ImmutableArray<string>? exceptRooms = null, ImmutableArray<string>? exceptConnectionIds = null, bool? local = null)
        => new(_manager, _namespace, rooms ?? _rooms, exceptRooms ?? _exceptRooms, exceptConnectionIds ?? _exceptConnectionIds, local ?? _local);

    private ImmutableArray<string> AddAll(ImmutableArray<string> existing, IEnumerable<string> rooms, string paramName)
    {
        ClearErrors.ThrowIfNull(rooms, paramName);
        var builder = existing.ToBuilder();
        foreach (var room in rooms)
        {
            NamespaceNames.ValidateRoom(room, _manager.MaxRoomNameLength, allowCatchAll: true, paramName);
            if (!builder.Contains(room, StringComparer.Ordinal))
            {
                builder.Add(room);
            }
        }

        return builder.Count == existing.Length ? existing : builder.ToImmutable();
    }
}
