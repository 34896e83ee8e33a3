using RoomFacade.Redis.Connection;
using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>Typed calls of the index's Lua scripts (<see cref="RedisScripts"/>): the key and argument layouts live here only.</summary>
internal sealed class IndexScripts(RedisOperationRunner runner, RedisKeys keys)
{
    private const int MaxSyncAttempts = 8;

    public RedisKeys Keys => keys;

    /// <summary>Runs the join or leave script (the hot path: no closure); the result is the script's code.</summary>
    public Task<RedisResult> ChangeRoomAsync(RedisKey connectionKey, RedisKeys.NamespaceKeys nsKeys, string connectionId, string room, bool join, CancellationToken cancellationToken)
        => runner.RunAsync(
            join ? "join a room" : "leave a room",
            (Script: join ? RedisScripts.Join : RedisScripts.Leave, Keys: new[] { connectionKey, nsKeys.Room(room), nsKeys.Rooms }, Args: new RedisValue[] { connectionId, room }),
            static (db, s) => db.ScriptEvaluateAsync(s.Script, s.Keys, s.Args),
            cancellationToken);

    /// <summary>The outcome of the join or leave script's code.</summary>
    public static MembershipChange ToChange(int code, bool join) => code switch
    {
        2 => join ? MembershipChange.RoomCreated : MembershipChange.RoomDeleted,
        1 => MembershipChange.Changed,
        0 => MembershipChange.Unchanged,
        _ => MembershipChange.UnknownConnection,
    };

    /// <summary>Sets or removes an attribute of an existing connection; false when the connection is unknown.</summary>
    public Task<bool> SetAttributeAsync(string @namespace, string connectionId, string name, string? value, CancellationToken cancellationToken)
        => runner.RunAsync("set a connection attribute", async db =>
        {
            var nsKeys = keys.For(@namespace);
            var result = await db.ScriptEvaluateAsync(RedisScripts.SetAttribute, [nsKeys.Connection(connectionId), nsKeys.Attributes(connectionId)], [name, value ?? string.Empty, value is null ? "0" : "1"]).ConfigureAwait(false);
            return (int)result == 1;
        }, cancellationToken);

    /// <summary>Registers a new connection of <paramref name="serverId"/> with its rooms and its global pointer.</summary>
    public Task RegisterAsync(string @namespace, string connectionId, string serverId, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
        => runner.RunAsync("register a connection", db => Task.WhenAll(
            SyncAsync(db, @namespace, connectionId, serverId, rooms, []),
            db.HashSetAsync(keys.Conns, connectionId, new ConnectionPointer(serverId, @namespace).Encode()),
            db.SetAddAsync(keys.Namespaces, @namespace)), cancellationToken);

    /// <summary>Writes a connection's whole truth again: pointer, rooms and attributes (re-publish, reconcile).</summary>
    public Task RepublishAsync(string @namespace, string connectionId, string serverId, string[] rooms, HashEntry[] attributes, CancellationToken cancellationToken)
        => runner.RunAsync("re-publish a connection", async db =>
        {
            var nsKeys = keys.For(@namespace);
            var conns = db.HashSetAsync(keys.Conns, connectionId, new ConnectionPointer(serverId, @namespace).Encode());
            var namespaces = db.SetAddAsync(keys.Namespaces, @namespace);
            await SyncAsync(db, @namespace, connectionId, serverId, rooms, []).ConfigureAwait(false);
            await db.KeyDeleteAsync(nsKeys.Attributes(connectionId)).ConfigureAwait(false);
            if (attributes.Length > 0)
            {
                await db.HashSetAsync(nsKeys.Attributes(connectionId), attributes).ConfigureAwait(false);
            }

            await Task.WhenAll(conns, namespaces).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Removes a connection of this server: every room, its attributes and its pointer. The rooms that became empty.</summary>
    public Task<string[]> RemoveAsync(string @namespace, string connectionId, string serverId, string[] rooms, CancellationToken cancellationToken)
        => runner.RunAsync("remove a connection", async db =>
        {
            var hashDelete = db.HashDeleteAsync(keys.Conns, connectionId);
            var result = await SyncAsync(db, @namespace, connectionId, serverId, [], rooms).ConfigureAwait(false);
            await hashDelete.ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>Removes a connection this server does not hold (a pending clean-up, a dead server's). Idempotent.</summary>
    public Task<ConnectionRemoval?> RemoveRemoteAsync(string @namespace, string connectionId, string ownerServerId, CancellationToken cancellationToken)
        => runner.RunAsync("remove a connection", async db =>
        {
            var nsKeys = keys.For(@namespace);
            var rooms = ToStrings(await db.SetMembersAsync(nsKeys.Connection(connectionId)).ConfigureAwait(false));
            var deleted = await SyncAsync(db, @namespace, connectionId, ownerServerId, [], rooms).ConfigureAwait(false);
            await db.HashDeleteAsync(keys.Conns, connectionId).ConfigureAwait(false);
            return rooms.Length > 0 ? new ConnectionRemoval(@namespace, rooms, deleted) : null;
        }, cancellationToken);

    public static string[] ToStrings(RedisValue[] values)
    {
        var result = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i]!;
        }

        return result;
    }

    /// <summary>Sets a connection's rooms in Redis to <paramref name="desired"/> (empty: removes it), retrying when Redis holds rooms not passed.</summary>
    private async Task<string[]> SyncAsync(IDatabase db, string @namespace, string connectionId, string serverId, IReadOnlyCollection<string> desired, IEnumerable<string> staleHint)
    {
        var nsKeys = keys.For(@namespace);
        var want = desired.ToArray();
        var stale = new HashSet<string>(staleHint, StringComparer.Ordinal);
        stale.ExceptWith(want);
        for (var attempt = 0; attempt < MaxSyncAttempts; attempt++)
        {
            var staleList = stale.ToArray();
            var redisKeys = new RedisKey[4 + want.Length + staleList.Length];
            var args = new RedisValue[2 + want.Length + staleList.Length];
            redisKeys[0] = nsKeys.Connection(connectionId);
            redisKeys[1] = nsKeys.Rooms;
            redisKeys[2] = nsKeys.Server(serverId);
            redisKeys[3] = nsKeys.Attributes(connectionId);
            args[0] = connectionId;
            args[1] = want.Length;
            for (var i = 0; i < want.Length; i++)
            {
                redisKeys[4 + i] = nsKeys.Room(want[i]);
                args[2 + i] = want[i];
            }

            for (var i = 0; i < staleList.Length; i++)
            {
                redisKeys[4 + want.Length + i] = nsKeys.Room(staleList[i]);
                args[2 + want.Length + i] = staleList[i];
            }

            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisScripts.Sync, redisKeys, args).ConfigureAwait(false))!;
            if ((int)result[0] == 1)
            {
                return [.. result.Skip(1).Select(r => (string)r!)];
            }

            foreach (var room in result.Skip(1))
            {
                stale.Add((string)room!);
            }
        }

        throw new RoomStoreException($"The rooms of connection '{connectionId}' kept changing while they were being synchronised.", null);
    }
}
