using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Redis.Index;
using RoomFacade.Stores;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// RoomFacade's SignalR backplane on Redis, for every hub of the application. No subscription per group, connection or
/// user: each server has one channel (<see cref="Servers.ServerChannel"/>), plus on a Redis Cluster one sharded channel
/// per namespace it serves (<see cref="NamespaceChannels"/>). Group membership is the index's room
/// membership (a join or leave is the index's one script; plain hubs live in a hidden namespace of the index), so a
/// send reaches local members directly and, through one route script, only the other servers holding members.
/// </summary>
/// <typeparam name="THub">The hub.</typeparam>
internal sealed partial class RoomFacadeHubLifetimeManager<THub> : HubLifetimeManager<THub>, IBackplaneHub
    where THub : Hub
{
    /// <summary>The prefix of the hidden index namespace of a plain hub (registered namespaces are "" or start with '/').</summary>
    internal const string PlainHubNamespacePrefix = "#hub:";

    private readonly string _hubKey = typeof(THub).FullName ?? typeof(THub).Name;
    private readonly RedisRoomMembershipStore _store;
    private readonly BackplaneRouter _router;
    private readonly LocalHubConnections _local;
    private readonly ClientResults _results;
    private readonly IHubProtocol[] _protocols;
    private readonly ILogger _logger;

    public RoomFacadeHubLifetimeManager(
        RedisRoomMembershipStore store,
        BackplaneRouter router,
        IHubProtocolResolver protocolResolver,
        IOptions<HubOptions> globalHubOptions,
        IOptions<HubOptions<THub>> hubOptions,
        IOptions<RoomFacadeOptions> facadeOptions,
        IOptions<RedisBackplaneOptions> backplaneOptions,
        ILogger<RoomFacadeHubLifetimeManager<THub>> logger,
        IRoomNamespaceResolver? namespaces = null)
    {
        _store = store;
        _router = router;
        _logger = logger;
        var facadeNamespace = namespaces?.GetNamespace(typeof(THub));
        IsFacadeHub = facadeNamespace is not null;
        Namespace = facadeNamespace ?? PlainHubNamespacePrefix + _hubKey;
        OwnIdRooms = IsFacadeHub && facadeOptions.Value.OwnIdRooms;
        var supported = hubOptions.Value.SupportedProtocols ?? globalHubOptions.Value.SupportedProtocols ?? [];
        _protocols = [.. protocolResolver.AllProtocols.Where(p => supported.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];
        _local = new LocalHubConnections(router.Metrics, backplaneOptions.Value.MaxPendingWritesPerConnection, logger);
        _results = new ClientResults(router.ServerId);
        router.Register(_hubKey, this);
    }

    /// <summary>The index namespace of this hub: its facade namespace, or a hidden one for a plain hub.</summary>
    public string Namespace { get; }

    public bool IsFacadeHub { get; }

    /// <summary>Whether each connection is in the group of its own id (kept on this server only, routed by the connection pointer).</summary>
    public bool OwnIdRooms { get; }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await _router.EnsureSubscribedAsync(Namespace, connection.ConnectionAborted).ConfigureAwait(false);
        _local.Add(connection);
        if (IsFacadeHub)
        {
            return; // the facade's lifetime filter registers the connection in the index, in its namespace
        }

        try
        {
            await _store.AddConnectionAsync(Namespace, connection.ConnectionId, connection.ConnectionAborted).ConfigureAwait(false);
        }
        catch
        {
            _local.Remove(connection, []);
            throw;
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string[] groups = [];
        if (LocalHubConnections.State(connection) is { } state)
        {
            await state.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                state.Disconnected = true;
                groups = [.. state.Groups];
                state.Groups.Clear();
            }
            finally
            {
                state.Gate.Release();
            }
        }

        _local.Remove(connection, groups);
        foreach (var (invocationId, forwarded) in _results.ConnectionGone(connection.ConnectionId))
        {
            await AnswerForwardedAsync(invocationId, forwarded.RequesterServerId, isError: true, string.Empty, System.Text.Encoding.UTF8.GetBytes("Connection disconnected.")).ConfigureAwait(false);
        }

        if (!IsFacadeHub)
        {
            try
            {
                await _store.RemoveConnectionAsync(connection.ConnectionId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogRemoveFailed(_logger, connection.ConnectionId, ex);
            }
        }
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        return _local.Connections[connectionId] is { } connection
            ? ChangeLocalGroupAsync(connection, groupName, add: true, cancellationToken)
            : ChangeRemoteGroupAsync(connectionId, groupName, add: true, cancellationToken);
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        return _local.Connections[connectionId] is { } connection
            ? ChangeLocalGroupAsync(connection, groupName, add: false, cancellationToken)
            : ChangeRemoteGroupAsync(connectionId, groupName, add: false, cancellationToken);
    }

    async Task<bool> IBackplaneHub.ChangeGroupAsync(string connectionId, string group, bool add, CancellationToken cancellationToken)
    {
        if (_local.Connections[connectionId] is not { } connection)
        {
            return false;
        }

        await ChangeLocalGroupAsync(connection, group, add, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A group change of a local connection: the local group map and the index (the routing record) in one script;
    /// for a join, the map first (a send routed here finds the member), for a leave the index first.
    /// </summary>
    private async Task ChangeLocalGroupAsync(HubConnectionContext connection, string group, bool add, CancellationToken cancellationToken)
    {
        var state = LocalHubConnections.State(connection) ?? throw new InvalidOperationException($"Connection '{connection.ConnectionId}' was not connected through this hub lifetime manager.");
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (state.Disconnected || state.Groups.Contains(group) == add)
            {
                return;
            }

            // The own-id room and the catch-all "" are routed without a room record: never changed in the index.
            var indexed = group.Length > 0 && !(OwnIdRooms && string.Equals(group, connection.ConnectionId, StringComparison.Ordinal));
            if (add)
            {
                state.Groups.Add(group);
                _local.AddToGroup(group, connection);
            }

            try
            {
                if (indexed)
                {
                    await _store.ChangeLocalRoomForGroupAsync(connection.ConnectionId, group, add, cancellationToken).ConfigureAwait(false);
                }
            }
            catch when (add)
            {
                state.Groups.Remove(group);
                _local.RemoveFromGroup(group, connection);
                throw;
            }

            if (!add)
            {
                state.Groups.Remove(group);
                _local.RemoveFromGroup(group, connection);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// A group change of a connection another server holds: that server applies it and answers, so the Task completes
    /// once it is applied. An id no server holds completes at once; the wait is bounded by twice the operation timeout.
    /// </summary>
    private async Task ChangeRemoteGroupAsync(string connectionId, string group, bool add, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (await _store.LocateAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } where || where.ServerId == _router.ServerId)
        {
            return;
        }

        await _router.Channel.RequestAsync(where.ServerId, add ? Servers.ServerMessageKind.GroupAdd : Servers.ServerMessageKind.GroupRemove, [_hubKey, connectionId, group], cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 142, Level = LogLevel.Warning, Message = "Removing disconnected connection {ConnectionId} of a plain hub from the index failed; the clean-up will remove it.")]
    private static partial void LogRemoveFailed(ILogger logger, string connectionId, Exception exception);
}
