using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// One hub's connections on this server, by id, group and user, and the one way the backplane writes to them: without
/// waiting for a slow one, at most <see cref="RedisBackplaneOptions.MaxPendingWritesPerConnection"/> pending per
/// connection (more are dropped and counted), each failure caught per connection.
/// </summary>
internal sealed partial class LocalHubConnections(BackplaneMetrics metrics, int maxPendingWrites, ILogger logger)
{
    private readonly ConcurrentDictionary<string, HubConnectionStore> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnectionStore> _users = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public HubConnectionStore Connections { get; } = new();

    public static BackplaneConnectionState? State(HubConnectionContext connection) => connection.Features.Get<BackplaneConnectionState>();

    public void Add(HubConnectionContext connection)
    {
        connection.Features.Set(new BackplaneConnectionState());
        Connections.Add(connection);
        if (connection.UserIdentifier is { } user)
        {
            Add(_users, user, connection);
        }
    }

    public void Remove(HubConnectionContext connection, IEnumerable<string> groups)
    {
        Connections.Remove(connection);
        if (connection.UserIdentifier is { } user)
        {
            Remove(_users, user, connection);
        }

        foreach (var group in groups)
        {
            Remove(_groups, group, connection);
        }
    }

    public void AddToGroup(string group, HubConnectionContext connection) => Add(_groups, group, connection);

    public void RemoveFromGroup(string group, HubConnectionContext connection) => Remove(_groups, group, connection);

    public HubConnectionStore? Group(string group) => _groups.TryGetValue(group, out var members) ? members : null;

    public HubConnectionStore? User(string user) => _users.TryGetValue(user, out var members) ? members : null;

    /// <summary>
    /// Starts a write and returns it only when it did not complete at once (the caller may wait for it); null when it
    /// completed, failed or was dropped.
    /// </summary>
    public Task? Write(HubConnectionContext connection, SerializedHubMessage message)
    {
        var state = State(connection);
        if (state is not null && !state.TryReserve(maxPendingWrites))
        {
            metrics.Drop();
            LogDropped(logger, connection.ConnectionId, maxPendingWrites);
            return null;
        }

        ValueTask write;
        try
        {
            write = connection.WriteAsync(message);
        }
        catch (Exception ex)
        {
            state?.Release();
            LogWriteFailed(logger, connection.ConnectionId, ex);
            return null;
        }

        if (write.IsCompletedSuccessfully)
        {
            state?.Release();
            return null;
        }

        return AwaitWriteAsync(connection.ConnectionId, write, state);
    }

    /// <summary>Writes to every connection of a store except the excluded ones; pending writes go into <paramref name="pending"/>.</summary>
    public void WriteAll(HubConnectionStore members, SerializedHubMessage message, IReadOnlyList<string>? excluded, HashSet<string>? seen, ref List<Task>? pending)
    {
        foreach (var connection in members)
        {
            if ((excluded is { Count: > 0 } && excluded.Contains(connection.ConnectionId)) || (seen is not null && !seen.Add(connection.ConnectionId)))
            {
                continue;
            }

            if (Write(connection, message) is { } task)
            {
                (pending ??= []).Add(task);
            }
        }
    }

    private async Task AwaitWriteAsync(string connectionId, ValueTask write, BackplaneConnectionState? state)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, connectionId, ex);
        }
        finally
        {
            state?.Release();
        }
    }

    private void Add(ConcurrentDictionary<string, HubConnectionStore> map, string key, HubConnectionContext connection)
    {
        lock (_sync)
        {
            map.GetOrAdd(key, static _ => new HubConnectionStore()).Add(connection);
        }
    }

    private void Remove(ConcurrentDictionary<string, HubConnectionStore> map, string key, HubConnectionContext connection)
    {
        lock (_sync)
        {
            if (map.TryGetValue(key, out var members))
            {
                members.Remove(connection);
                if (members.Count == 0)
                {
                    map.TryRemove(key, out _);
                }
            }
        }
    }

    [LoggerMessage(EventId = 140, Level = LogLevel.Debug, Message = "Writing to connection {ConnectionId} failed.")]
    private static partial void LogWriteFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 141, Level = LogLevel.Warning, Message = "Dropped a message to slow connection {ConnectionId}: {Max} writes are pending (RedisBackplaneOptions.MaxPendingWritesPerConnection).")]
    private static partial void LogDropped(ILogger logger, string connectionId, int max);
}
