using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using static RoomFacade.Redis.Backplane.BackplaneEnvelope;

namespace RoomFacade.Redis.Backplane;

/// <summary>Sends: local members written directly, other servers reached through one route script, only those holding targets.</summary>
internal sealed partial class RoomFacadeHubLifetimeManager<THub>
{
    private static readonly string[] CatchAll = [string.Empty];

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default)
        => SendAllExceptAsync(methodName, args, [], cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excludedConnectionIds);
        var message = Prepare(methodName, args, cancellationToken);
        var remote = RouteAsync(message, Target.All, [], excludedConnectionIds, 'r', CatchAll, [], cancellationToken);
        List<Task>? pending = null;
        _local.WriteAll(_local.Connections, message, excludedConnectionIds, null, ref pending);
        return CompleteAsync(remote, pending);
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        var message = Prepare(methodName, args, cancellationToken);
        if (_local.Connections[connectionId] is { } connection)
        {
            return _local.Write(connection, message) ?? Task.CompletedTask;
        }

        return RouteAsync(message, Target.Connections, [connectionId], null, 'c', [], [connectionId], cancellationToken);
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var message = Prepare(methodName, args, cancellationToken);
        List<Task>? pending = null;
        List<string>? remoteIds = null;
        foreach (var id in connectionIds.Distinct(StringComparer.Ordinal))
        {
            if (_local.Connections[id] is { } connection)
            {
                if (_local.Write(connection, message) is { } task)
                {
                    (pending ??= []).Add(task);
                }
            }
            else
            {
                (remoteIds ??= []).Add(id);
            }
        }

        var remote = remoteIds is null ? Task.CompletedTask : RouteAsync(message, Target.Connections, remoteIds, null, 'c', [], remoteIds, cancellationToken);
        return CompleteAsync(remote, pending);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return SendGroupsCoreAsync([groupName], methodName, args, [], cancellationToken);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        return SendGroupsCoreAsync([.. groupNames.Where(g => g is not null).Distinct(StringComparer.Ordinal)], methodName, args, [], cancellationToken);
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        ArgumentNullException.ThrowIfNull(excludedConnectionIds);
        return SendGroupsCoreAsync([groupName], methodName, args, excludedConnectionIds, cancellationToken);
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return SendUsersAsync([userId], methodName, args, cancellationToken);
    }

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var message = Prepare(methodName, args, cancellationToken);
        string[] users = [.. userIds.Where(u => u is not null).Distinct(StringComparer.Ordinal)];

        // Users have no routing record: every other server gets the message and writes to its connections of the users.
        var remote = RouteAsync(message, Target.Users, users, null, 'a', [], [], cancellationToken);
        List<Task>? pending = null;
        var seen = users.Length > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var user in users)
        {
            if (_local.User(user) is { } members)
            {
                _local.WriteAll(members, message, null, seen, ref pending);
            }
        }

        return CompleteAsync(remote, pending);
    }

    void IBackplaneHub.Deliver(HubMessageBody body)
    {
        var message = new SerializedHubMessage(body.Messages);
        List<Task>? ignored = null;
        switch (body.Target)
        {
            case Target.All:
                _local.WriteAll(_local.Connections, message, body.Excluded, null, ref ignored);
                break;
            case Target.Groups:
                var seen = body.Targets.Length > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
                foreach (var group in body.Targets)
                {
                    if (_local.Group(group) is { } members)
                    {
                        _local.WriteAll(members, message, body.Excluded, seen, ref ignored);
                    }
                }

                break;
            case Target.Connections:
                foreach (var id in body.Targets)
                {
                    if (_local.Connections[id] is { } connection)
                    {
                        _local.Write(connection, message);
                    }
                }

                break;
            case Target.Users:
                var seenUsers = body.Targets.Length > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
                foreach (var user in body.Targets)
                {
                    if (_local.User(user) is { } members)
                    {
                        _local.WriteAll(members, message, null, seenUsers, ref ignored);
                    }
                }

                break;
            case Target.Invocation:
                DeliverInvocation(body, message);
                break;
        }
    }

    private Task SendGroupsCoreAsync(string[] groups, string methodName, object?[] args, IReadOnlyList<string> excluded, CancellationToken cancellationToken)
    {
        var message = Prepare(methodName, args, cancellationToken);

        // An own-id room has no room record: the route script finds its server by the connection pointer.
        var remote = RouteAsync(message, Target.Groups, groups, excluded, 'r', groups, OwnIdRooms ? groups : [], cancellationToken);
        List<Task>? pending = null;
        var seen = groups.Length > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var group in groups)
        {
            if (_local.Group(group) is { } members)
            {
                _local.WriteAll(members, message, excluded, seen, ref pending);
            }
        }

        return CompleteAsync(remote, pending);
    }

    private static SerializedHubMessage Prepare(string methodName, object?[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(methodName);
        cancellationToken.ThrowIfCancellationRequested();
        return new SerializedHubMessage(new InvocationMessage(methodName, args));
    }

    /// <summary>
    /// Routes a message to the other servers holding targets (one script). Redis being unreachable is not the
    /// sender's failure: local members got the message; the remote part is counted and logged, and fails fast when
    /// the connection to Redis is known to be down.
    /// </summary>
    private async Task RouteAsync(SerializedHubMessage message, Target target, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, char mode, IReadOnlyList<string> rooms, IReadOnlyList<string> pointerNames, CancellationToken cancellationToken)
    {
        if (!_router.RedisConnected || _router.Sharded is not { } sharded)
        {
            _router.Metrics.RemoteFailed();
            LogRemoteSkipped(_logger);
            return;
        }

        var body = WriteHubMessage(_hubKey, target, targets, excluded, null, null, Serialize(message));
        try
        {
            var received = await _router.Scripts.RouteAsync(Namespace, sharded, mode, rooms, pointerNames, _router.Header, body, cancellationToken).ConfigureAwait(false);
            _router.Metrics.Published(received, body.Length);
        }
        catch (RoomFacade.RoomStoreException ex)
        {
            _router.Metrics.RemoteFailed();
            LogRemoteFailed(_logger, ex);
        }
    }

    private SerializedMessage[] Serialize(SerializedHubMessage message)
    {
        var result = new SerializedMessage[_protocols.Length];
        for (var i = 0; i < _protocols.Length; i++)
        {
            result[i] = new SerializedMessage(_protocols[i].Name, message.GetSerializedMessage(_protocols[i]));
        }

        return result;
    }

    private static Task CompleteAsync(Task remote, List<Task>? pending)
    {
        if (pending is null)
        {
            return remote;
        }

        pending.Add(remote);
        return Task.WhenAll(pending);
    }

    [LoggerMessage(EventId = 143, Level = LogLevel.Warning, Message = "A message reached this server's connections only: routing it to other servers failed.")]
    private static partial void LogRemoteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 144, Level = LogLevel.Debug, Message = "A message reached this server's connections only: Redis is not connected.")]
    private static partial void LogRemoteSkipped(ILogger logger);
}
