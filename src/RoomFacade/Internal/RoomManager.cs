using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade;

/// <summary>The implementation of <see cref="IRoomManager"/>: SignalR groups and the index, in lock-step.</summary>
internal sealed partial class RoomManager : IRoomManager
{
    private readonly NamespaceRegistry _registry;
    private readonly ILogger _logger;
    private readonly RoomFacadeMetrics? _metrics;

    public RoomManager(IRoomMembershipStore store, NamespaceRegistry registry, IOptions<RoomFacadeOptions> options, ILogger<RoomManager>? logger = null, RoomFacadeMetrics? metrics = null)
    {
        _metrics = metrics;
        Store = metrics is null ? store : new InstrumentedRoomMembershipStore(store, metrics);
        _registry = registry;
        MaxRoomNameLength = options.Value.MaxRoomNameLength;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Manager = new RoomManagerView(this);
    }

    public IRoomMembershipStore Store { get; }

    public int MaxRoomNameLength { get; }

    public IReadOnlyList<string> Namespaces => _registry.Names;

    public RoomManagerView Manager { get; }

    public RoomNamespace Sockets => Of(string.Empty);

    public RoomNamespace Of(string @namespace) => new(this, _registry.Get(@namespace));

    public RoomSocket Socket(Hub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var binding = _registry.GetByHub(hub.GetType());
        return new RoomSocket(this, binding, hub.Context.ConnectionId);
    }

    public async Task<RoomSocket> GetSocketAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        var ns = await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return new RoomSocket(this, _registry.Get(ns), connectionId);
    }

    public async Task JoinAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: false);
        var ns = await GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
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
            await RollBackGroupAsync(groups, connectionId, room).ConfigureAwait(false);
            if (ex is OperationCanceledException or RoomIndexException)
            {
                throw;
            }

            throw new RoomIndexException($"Joining room '{room}' failed in the room index; the connection was not added to the room.", ex);
        }

        if (change == MembershipChange.UnknownConnection)
        {
            // The connection disconnected between the look-up and the index update: undo the group add.
            await RollBackGroupAsync(groups, connectionId, room).ConfigureAwait(false);
            throw new UnknownConnectionException(connectionId);
        }

        if (change == MembershipChange.Changed)
        {
            _metrics?.Joined(ns);
            LogJoined(_logger, connectionId, ns, room);
        }
    }

    public async Task LeaveAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: false);
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
            if (ex is RoomIndexException)
            {
                throw;
            }

            throw new RoomIndexException($"Leaving room '{room}' failed in the room index; the connection is still in the room.", ex);
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
            if (change == MembershipChange.Changed)
            {
                // SignalR still delivers: list the membership again so that the index stays truthful.
                await Store.AddToRoomAsync(connectionId, room, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        if (change == MembershipChange.Changed)
        {
            _metrics?.Left(ns);
            LogLeft(_logger, connectionId, ns, room);
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
        => Store.GetRoomsAsync(_registry.Get(@namespace).Name, cancellationToken);

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        var name = _registry.Get(@namespace).Name;
        NamespaceNames.ValidateRoom(room, MaxRoomNameLength, allowCatchAll: true);
        return GetMembersCoreAsync(name, room, cancellationToken);
    }

    public async Task<IReadOnlyCollection<string>> GetRoomsOfAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        var rooms = await Store.GetRoomsOfConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);

        // Every known connection is at least in the catch-all room, so no rooms means no such connection.
        return rooms.Count == 0 ? throw new UnknownConnectionException(connectionId) : rooms;
    }

    internal Task<IReadOnlyCollection<string>> GetMembersCoreAsync(string @namespace, string room, CancellationToken cancellationToken)
        => Store.GetMembersAsync(@namespace, room, cancellationToken);

    internal async Task<string> GetNamespaceOrThrowAsync(string connectionId, CancellationToken cancellationToken)
    {
        var ns = await Store.GetNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return ns is null || !_registry.IsRegistered(ns) ? throw new UnknownConnectionException(connectionId) : ns;
    }

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

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Rolling back the SignalR group add of connection {ConnectionId} to room '{Room}' failed.")]
    private static partial void LogRollbackFailed(ILogger logger, string connectionId, string room, Exception exception);
}
