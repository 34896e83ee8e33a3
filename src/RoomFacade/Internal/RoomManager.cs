using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade.Internal;

/// <summary>The implementation of <see cref="IRoomManager"/>: SignalR groups and the index, in lock-step.</summary>
internal sealed partial class RoomManager : IRoomManager, IRoomEvents, ISweptConnectionSink
{
    /// <summary>How long a disconnect waits for the connection's clean-up to finish.</summary>
    internal static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(15);

    private readonly NamespaceRegistry _registry;
    private readonly ILogger _logger;
    private readonly RoomFacadeMetrics? _metrics;
    private readonly IRoomMembershipStore _rawStore;
    private readonly ConnectionLocks _locks = new();
    private readonly IRoomJoinAuthorizer[] _authorizers;

    public RoomManager(
        IRoomMembershipStore store,
        NamespaceRegistry registry,
        IOptions<RoomFacadeOptions> options,
        ILogger<RoomManager>? logger = null,
        RoomFacadeMetrics? metrics = null,
        LocalConnections? localConnections = null,
        IEnumerable<IRoomJoinAuthorizer>? authorizers = null,
        RoomEventHandlers? eventHandlers = null)
    {
        _rawStore = store;
        _metrics = metrics;
        Store = metrics is null ? store : new InstrumentedRoomMembershipStore(store, metrics);
        _registry = registry;
        MaxRoomNameLength = options.Value.MaxRoomNameLength;
        OwnIdRooms = options.Value.OwnIdRooms;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        LocalConnections = localConnections ?? new LocalConnections();
        _authorizers = authorizers?.ToArray() ?? [];
        Manager = new RoomManagerView(this);
        Events = new RoomEventDispatcher(_logger, eventHandlers ?? RoomEventHandlers.None);
        OnDisconnectedRuns = options.Value.OnDisconnectedRuns;
    }

    event EventHandler<RoomEventArgs>? IRoomEvents.RoomCreated
    {
        add => Events.RoomCreated += value;
        remove => Events.RoomCreated -= value;
    }

    event EventHandler<RoomEventArgs>? IRoomEvents.RoomDeleted
    {
        add => Events.RoomDeleted += value;
        remove => Events.RoomDeleted -= value;
    }

    event EventHandler<RoomEventArgs>? IRoomEvents.Joined
    {
        add => Events.Joined += value;
        remove => Events.Joined -= value;
    }

    event EventHandler<RoomEventArgs>? IRoomEvents.Left
    {
        add => Events.Left += value;
        remove => Events.Left -= value;
    }

    public RoomEventDispatcher Events { get; }

    ValueTask ISweptConnectionSink.ConnectionSweptAsync(string connectionId, ConnectionRemoval removal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(removal);
        return Events.RaiseRemovalAsync(connectionId, removal, RoomEventReason.Sweep, cancellationToken);
    }

    public HubDisconnectMoment OnDisconnectedRuns { get; }

    public IRoomMembershipStore Store { get; }

    public LocalConnections LocalConnections { get; }

    public int MaxRoomNameLength { get; }

    public bool OwnIdRooms { get; }

    public IReadOnlyList<string> Namespaces => _registry.Names;

    public RoomManagerView Manager { get; }

    public RoomNamespace Sockets => Of(string.Empty);

    public RoomNamespace Of(string @namespace) => new(this, _registry.Get(@namespace));

    public RoomSocket Socket(Hub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var binding = _registry.GetByHub(hub.GetType());
        return new RoomSocket(this, binding, hub.Context.ConnectionId, hub.Context);
    }

    public async Task<RoomSocket> GetSocketAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        var ns = await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return new RoomSocket(this, _registry.Get(ns), connectionId, LocalConnections.TryGet(connectionId, out var context) ? context : null);
    }

    public Task JoinAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => JoinCoreAsync(connectionId, room, caller: null, cancellationToken);

    /// <summary>A join; with <paramref name="caller"/> (a hub method's own connection) the join authorizers are consulted first.</summary>
    internal async Task JoinCoreAsync(string connectionId, string room, HubCallerContext? caller, CancellationToken cancellationToken)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: false);
        if (IsOwnRoom(connectionId, room))
        {
            // Always in it (Socket.IO v4: joining one's own id changes nothing); only check that the connection exists.
            await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        string ns;
        MembershipChange change;
        using (await _locks.LockAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            (ns, change) = await JoinLockedAsync(connectionId, room, caller, cancellationToken).ConfigureAwait(false);
        }

        // Events are raised outside the per-connection lock: an async handler may act on the same connection.
        if (change.IsChange())
        {
            _metrics?.Joined(ns);
            LogJoined(_logger, connectionId, ns, room);
            if (change == MembershipChange.RoomCreated)
            {
                await Events.RaiseAsync(new RoomEventArgs(RoomEventKind.RoomCreated, RoomEventReason.Join, ns, room, null), cancellationToken).ConfigureAwait(false);
            }

            await Events.RaiseAsync(new RoomEventArgs(RoomEventKind.Joined, RoomEventReason.Join, ns, room, connectionId), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(string Namespace, MembershipChange Change)> JoinLockedAsync(string connectionId, string room, HubCallerContext? caller, CancellationToken cancellationToken)
    {
        var membership = await Store.GetMembershipAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        if (membership.Namespace is not { } ns || !_registry.IsRegistered(ns))
        {
            throw new UnknownConnectionException(connectionId);
        }

        if (caller is not null && _authorizers.Length > 0)
        {
            var context = new RoomJoinContext(connectionId, caller.User, ns, room) { Features = caller.Features };
            foreach (var authorizer in _authorizers)
            {
                if (!await authorizer.AuthorizeJoinAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    throw new HubException($"Joining room '{room}' was refused by the application's join authorization.");
                }
            }
        }

        if (membership.IsMember)
        {
            return (ns, MembershipChange.Unchanged); // already in: SignalR delivers to it, the index lists it — nothing to do
        }

        var groups = _registry.Get(ns).Groups;

        // SignalR first: the index must never list a connection SignalR would not deliver to.
        await groups.AddToGroupAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        MembershipChange change;
        try
        {
            change = await Store.AddToRoomAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogIndexFailed(_logger, "join", connectionId, room, ex);

            // The connection was not a member before (checked under the per-connection lock): undo the group add.
            await RollBackGroupAsync(groups, connectionId, room).ConfigureAwait(false);
            if (ex is OperationCanceledException or RoomStoreException)
            {
                throw;
            }

            throw new RoomStoreException($"Joining room '{room}' failed in the room index; the connection was not added to the room.", ex);
        }

        if (change == MembershipChange.UnknownConnection)
        {
            // The connection disconnected between the look-up and the index update: undo the group add.
            await RollBackGroupAsync(groups, connectionId, room).ConfigureAwait(false);
            throw new UnknownConnectionException(connectionId);
        }

        return (ns, change);
    }

    public async Task LeaveAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: false);
        if (IsOwnRoom(connectionId, room))
        {
            // Socket.IO allows socket.leave(socket.id) and changes nothing; so does this (a loop over GetRoomsAsync() is harmless).
            await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        string ns;
        MembershipChange change;
        using (await _locks.LockAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            (ns, change) = await LeaveLockedAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        }

        if (change.IsChange())
        {
            _metrics?.Left(ns);
            LogLeft(_logger, connectionId, ns, room);
            await Events.RaiseAsync(new RoomEventArgs(RoomEventKind.Left, RoomEventReason.Leave, ns, room, connectionId), cancellationToken).ConfigureAwait(false);
            if (change == MembershipChange.RoomDeleted)
            {
                await Events.RaiseAsync(new RoomEventArgs(RoomEventKind.RoomDeleted, RoomEventReason.Leave, ns, room, null), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(string Namespace, MembershipChange Change)> LeaveLockedAsync(string connectionId, string room, CancellationToken cancellationToken)
    {
        var ns = await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
        var groups = _registry.Get(ns).Groups;

        // Index first: stop listing the connection before SignalR stops delivering to it.
        MembershipChange change;
        try
        {
            change = await Store.RemoveFromRoomAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogIndexFailed(_logger, "leave", connectionId, room, ex);
            if (ex is RoomStoreException)
            {
                throw;
            }

            throw new RoomStoreException($"Leaving room '{room}' failed in the room index; the connection is still in the room.", ex);
        }

        if (change == MembershipChange.UnknownConnection)
        {
            throw new UnknownConnectionException(connectionId);
        }

        try
        {
            await groups.RemoveFromGroupAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (change.IsChange())
            {
                // SignalR still delivers: list the membership again so that the index stays truthful.
                try
                {
                    await Store.AddToRoomAsync(connectionId, room, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception restoreError)
                {
                    LogRollbackFailed(_logger, connectionId, room, restoreError);
                }
            }

            throw;
        }

        return (ns, change);
    }

    /// <summary>Leaves every named room of a connection; it stays in its catch-all and own-id rooms.</summary>
    public async Task LeaveAllAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        foreach (var room in await GetRoomsOfAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            if (room.Length > 0 && !IsOwnRoom(connectionId, room))
            {
                await LeaveAsync(connectionId, room, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sets a connection's app data (JSON) in the index, ordered with its other changes.</summary>
    internal async Task SetDataAsync(string connectionId, string? json, CancellationToken cancellationToken)
    {
        using var _ = await _locks.LockAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (!await Store.SetConnectionAttributeAsync(connectionId, RoomSocket.DataAttribute, json, cancellationToken).ConfigureAwait(false))
        {
            throw new UnknownConnectionException(connectionId);
        }
    }

    /// <summary>Disconnects a connection wherever it lives; returns once its clean-up is done. False when no server holds it.</summary>
    internal async Task<bool> DisconnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (await LocalConnections.DisconnectAsync(connectionId, DisconnectTimeout, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return _rawStore is IRemoteConnectionControl remote
            && await remote.DisconnectRemoteAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
        => Store.GetRoomsAsync(_registry.Get(@namespace).Name, cancellationToken);

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        var name = _registry.Get(@namespace).Name;
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: true);
        return Store.GetMembersAsync(name, room, cancellationToken);
    }

    public async Task<IReadOnlyCollection<string>> GetRoomsOfAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        var rooms = await Store.GetRoomsOfConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);

        // Every known connection is at least in the catch-all room, so no rooms means no such connection.
        return rooms.Count == 0 ? throw new UnknownConnectionException(connectionId) : rooms;
    }

    /// <summary>
    /// The members of a room in the v4 sense: its index members, plus the connection itself when the name is the id of
    /// a connection of this namespace (its own-id room).
    /// </summary>
    internal Task<IReadOnlyCollection<string>> GetRoomMembersV4Async(string @namespace, string room, CancellationToken cancellationToken)
        => OwnIdRooms && room.Length > 0
            ? Store.GetMembersWithOwnIdRoomAsync(@namespace, room, cancellationToken)
            : Store.GetMembersAsync(@namespace, room, cancellationToken);

    /// <summary>The size of <see cref="GetRoomMembersV4Async"/>'s answer (one look-up in the index).</summary>
    internal Task<long> CountRoomMembersV4Async(string @namespace, string room, CancellationToken cancellationToken)
        => OwnIdRooms && room.Length > 0
            ? Store.CountWithOwnIdRoomAsync(@namespace, room, cancellationToken)
            : Store.CountAsync(@namespace, room, cancellationToken);

    internal async Task<string> GetNamespaceOrThrowAsync(string connectionId, CancellationToken cancellationToken)
    {
        var ns = await Store.GetNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return ns is null || !_registry.IsRegistered(ns) ? throw new UnknownConnectionException(connectionId) : ns;
    }

    private bool IsOwnRoom(string connectionId, string room) => OwnIdRooms && string.Equals(connectionId, room, StringComparison.Ordinal);

    private async Task RollBackGroupAsync(IGroupManager groups, string connectionId, string room)
    {
        try
        {
            await groups.RemoveFromGroupAsync(connectionId, room, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRollbackFailed(_logger, connectionId, room, ex);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Connection {ConnectionId} joined room '{Room}' of namespace '{Namespace}'.")]
    private static partial void LogJoined(ILogger logger, string connectionId, string @namespace, string room);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {ConnectionId} left room '{Room}' of namespace '{Namespace}'.")]
    private static partial void LogLeft(ILogger logger, string connectionId, string @namespace, string room);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The room index failed to {Operation} connection {ConnectionId} / room '{Room}'.")]
    private static partial void LogIndexFailed(ILogger logger, string operation, string connectionId, string room, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Rolling back a membership change of connection {ConnectionId} / room '{Room}' failed.")]
    private static partial void LogRollbackFailed(ILogger logger, string connectionId, string room, Exception exception);
}
