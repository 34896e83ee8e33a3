using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// The Redis index. Every join, leave and disconnect is one Lua script (one round trip). Each server keeps the truth
/// for its own connections in memory (their namespace and rooms); that truth is what it re-publishes when Redis loses
/// data, and what it reconciles to after an operation whose outcome Redis could not confirm.
/// </summary>
internal sealed partial class RedisRoomMembershipStore : IRoomMembershipStore, IRoomIndexServers, IRemoteConnectionControl
{
    private const int MaxSyncAttempts = 8;

    private readonly RedisConnection _connection;
    private readonly RedisRoomStoreOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LocalConnection> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string ConnectionId), byte> _pendingRemovals = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _pendingRequests = new(StringComparer.Ordinal);
    private readonly LocalConnections? _localConnections;
    private volatile bool _registered;

    public RedisRoomMembershipStore(RedisConnection connection, IOptions<RedisRoomStoreOptions> options, ILogger<RedisRoomMembershipStore> logger, LocalConnections? localConnections = null)
    {
        _connection = connection;
        _localConnections = localConnections;
        _options = options.Value;
        _logger = logger;
        Keys = new RedisKeys(_options.KeyPrefix);
        ServerId = string.IsNullOrEmpty(_options.ServerId)
            ? DefaultServerId()
            : _options.ServerId;
    }

    /// <summary>This server's id in the index.</summary>
    public string ServerId { get; }

    public RedisKeys Keys { get; }

    /// <summary>Signalled when local state must be reconciled with Redis soon (the maintenance service waits on it).</summary>
    public SemaphoreSlim ReconcileSignal { get; } = new(0, 1);

    /// <summary>Number of connections this server holds.</summary>
    public int LocalConnectionCount => _local.Count;

    // ---- IRoomMembershipStore ----

    public async Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(connectionId);
        var local = new LocalConnection(@namespace, Keys.For(@namespace), connectionId);
        if (!_local.TryAdd(connectionId, local))
        {
            var existing = _local[connectionId];
            if (existing.Namespace != @namespace)
            {
                throw new InvalidOperationException($"Connection '{connectionId}' is already registered in namespace '{existing.Namespace}'.");
            }

            return;
        }

        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_registered)
            {
                await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
            }

            await RunAsync("register a connection", db => Task.WhenAll(
                SyncAsync(db, @namespace, connectionId, ServerId, local.Rooms, []),
                db.HashSetAsync(Keys.Conns, connectionId, new ConnectionPointer(ServerId, @namespace).Encode()),
                db.SetAddAsync(Keys.Namespaces, @namespace)), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            local.Removed = true;
            _local.TryRemove(new KeyValuePair<string, LocalConnection>(connectionId, local));
            _pendingRemovals[(@namespace, connectionId)] = 0;
            RequestReconcile();
            throw;
        }
        finally
        {
            local.Gate.Release();
        }
    }

    public async Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_local.TryRemove(connectionId, out var local))
        {
            await local.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                local.Removed = true;
                var rooms = local.Rooms.ToArray();
                var deleted = await RunAsync("remove a connection", async db =>
                {
                    var hashDelete = db.HashDeleteAsync(Keys.Conns, connectionId);
                    var result = await SyncAsync(db, local.Namespace, connectionId, ServerId, [], rooms).ConfigureAwait(false);
                    await hashDelete.ConfigureAwait(false);
                    return result;
                }, cancellationToken).ConfigureAwait(false);
                return new ConnectionRemoval(local.Namespace, rooms, deleted);
            }
            catch
            {
                _pendingRemovals[(local.Namespace, connectionId)] = 0;
                RequestReconcile();
                throw;
            }
            finally
            {
                local.Gate.Release();
            }
        }

        var pointer = await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return pointer is not { } where
            ? null
            : await RunAsync("remove a connection", db => RemoveRemoteAsync(db, where.Namespace, connectionId, where.ServerId), cancellationToken).ConfigureAwait(false);
    }

    public async Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (_local.TryGetValue(connectionId, out var local))
        {
            await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return local.Removed ? default : new RoomMembership(local.Namespace, local.Rooms.Contains(room));
            }
            finally
            {
                local.Gate.Release();
            }
        }

        var ns = await LookUpNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            return default;
        }

        var keys = Keys.For(ns);
        return await RunAsync("look up a membership", async db =>
        {
            var exists = db.KeyExistsAsync(keys.Connection(connectionId));
            var member = db.SetContainsAsync(keys.Connection(connectionId), room);
            return await exists.ConfigureAwait(false) ? new RoomMembership(ns, await member.ConfigureAwait(false)) : default;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(name);
        if (_local.TryGetValue(connectionId, out var local))
        {
            await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (local.Removed)
                {
                    return false;
                }

                try
                {
                    await RunAsync("set a connection attribute", db => EvalSetAttributeAsync(db, local.Namespace, connectionId, name, value), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    local.Dirty = true;
                    RequestReconcile();
                    throw;
                }
                finally
                {
                    // The local truth follows the caller's intent; Redis converges to it if the write failed.
                    local.SetAttribute(name, value);
                }

                return true;
            }
            finally
            {
                local.Gate.Release();
            }
        }

        if (await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } where)
        {
            return false;
        }

        var set = await RunAsync("set a connection attribute", db => EvalSetAttributeAsync(db, where.Namespace, connectionId, name, value), cancellationToken).ConfigureAwait(false);
        if (set)
        {
            await NotifyAsync(where.ServerId, value is null ? OwnerMessage.Format('a', connectionId, name) : OwnerMessage.Format('A', connectionId, name, value)).ConfigureAwait(false);
        }

        return set;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        var ns = _local.TryGetValue(connectionId, out var local) ? local.Namespace : await LookUpNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            return new Dictionary<string, string>();
        }

        var entries = await RunAsync("read connection attributes", db => db.HashGetAllAsync(Keys.For(ns).Attributes(connectionId)), cancellationToken).ConfigureAwait(false);
        return entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
    }

    private async Task<bool> EvalSetAttributeAsync(IDatabase db, string @namespace, string connectionId, string name, string? value)
    {
        var keys = Keys.For(@namespace);
        var result = await db.ScriptEvaluateAsync(RedisScripts.SetAttribute, [keys.Connection(connectionId), keys.Attributes(connectionId)], [name, value ?? string.Empty, value is null ? "0" : "1"]).ConfigureAwait(false);
        return (int)result == 1;
    }

    public async Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_local.TryGetValue(connectionId, out var local))
        {
            return local.Removed ? null : local.Namespace;
        }

        var ns = await LookUpNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            return null;
        }

        // The global hash is only a pointer: the connection exists while its room set does.
        var exists = await RunAsync("look up a connection", db => db.KeyExistsAsync(Keys.For(ns).Connection(connectionId)), cancellationToken).ConfigureAwait(false);
        return exists ? ns : null;
    }

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => ChangeRoomAsync(connectionId, room, join: true, cancellationToken);

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => ChangeRoomAsync(connectionId, room, join: false, cancellationToken);

    public async Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        var members = await RunAsync("list a room's members", Keys.For(@namespace).Room(room), static (db, key) => db.SetMembersAsync(key), cancellationToken).ConfigureAwait(false);
        return ToStrings(members);
    }

    public async Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        var ns = _local.TryGetValue(connectionId, out var local) ? local.Namespace : await LookUpNamespaceAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            return [];
        }

        var rooms = await RunAsync("list a connection's rooms", db => db.SetMembersAsync(Keys.For(ns).Connection(connectionId)), cancellationToken).ConfigureAwait(false);
        return ToStrings(rooms);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        var keys = Keys.For(@namespace);
        var names = await RunAsync("list rooms", keys.Rooms, static (db, key) => db.SetMembersAsync(key), cancellationToken).ConfigureAwait(false);

        // One SMEMBERS per room, all pipelined on the multiplexer (no round trip each). Measured against one Lua script
        // per batch of rooms, this costs Redis a quarter of the CPU (building Lua tables of every member is what a
        // script adds) and lets other clients' commands interleave instead of waiting behind a long script.
        return await RunAsync<(RedisKeys.NamespaceKeys Keys, RedisValue[] Names), IReadOnlyDictionary<string, IReadOnlyCollection<string>>>("list rooms", (keys, names), static async (db, s) =>
        {
            var pending = new Task<RedisValue[]>[s.Names.Length];
            for (var i = 0; i < pending.Length; i++)
            {
                pending[i] = db.SetMembersAsync(s.Keys.Room(s.Names[i]!));
            }

            var members = await Task.WhenAll(pending).ConfigureAwait(false);
            var result = new Dictionary<string, IReadOnlyCollection<string>>(members.Length, StringComparer.Ordinal);
            for (var i = 0; i < members.Length; i++)
            {
                // A room can empty between the two steps (they are not one snapshot): it is left out.
                if (members[i].Length > 0)
                {
                    result[s.Names[i]!] = ToStrings(members[i]);
                }
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The servers registered in the index, with their last heartbeat (Redis clock).</summary>
    public async Task<IReadOnlyList<RoomIndexServer>> GetServersAsync(CancellationToken cancellationToken)
    {
        var entries = await RunAsync("list servers", db => db.SortedSetRangeByRankWithScoresAsync(Keys.Servers), cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new RoomIndexServer(e.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score), e.Element == ServerId))];
    }

    // ---- joins and leaves ----

    private async Task<MembershipChange> ChangeRoomAsync(string connectionId, string room, bool join, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (_local.TryGetValue(connectionId, out var local))
        {
            return await ChangeLocalRoomAsync(local, connectionId, room, join, cancellationToken).ConfigureAwait(false);
        }

        // A connection held by another server: that server makes the change, so its truth stays exact and the
        // connection's changes stay ordered.
        if (await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } where)
        {
            return MembershipChange.UnknownConnection;
        }

        var answer = await RequestAsync(where.ServerId, join ? 'j' : 'l', [connectionId, room], cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            // Nobody listens for that server (it crashed and is not swept yet): change Redis directly; the script
            // checks the connection exists, atomically with its removal by a sweep.
            var keys = Keys.For(where.Namespace);
            var code = (int)await EvalRoomScriptAsync(keys.Connection(connectionId), keys, connectionId, room, join, cancellationToken).ConfigureAwait(false);
            return ToChange(code, join);
        }

        return answer.StartsWith('E')
            ? throw new RoomIndexException($"Server '{where.ServerId}' could not change the rooms of its connection '{connectionId}': {answer[1..]}", null)
            : (MembershipChange)int.Parse(answer, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A join or leave of one of this server's connections: the local truth decides, Redis follows in one script.</summary>
    private async Task<MembershipChange> ChangeLocalRoomAsync(LocalConnection local, string connectionId, string room, bool join, CancellationToken cancellationToken)
    {
        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (local.Removed)
            {
                return MembershipChange.UnknownConnection;
            }

            // This server holds the truth for its own connections: no round trip when nothing changes.
            if (local.Rooms.Contains(room) == join)
            {
                return MembershipChange.Unchanged;
            }

            int code;
            try
            {
                code = (int)await EvalRoomScriptAsync(local.Key, local.Keys, connectionId, room, join, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The outcome in Redis is unknown: converge Redis to the local truth (unchanged) once it answers.
                local.Dirty = true;
                RequestReconcile();
                throw;
            }

            _ = join ? local.Rooms.Add(room) : local.Rooms.Remove(room);
            if (code == -1)
            {
                // Redis no longer has this connection (data lost): re-publish it.
                local.Dirty = true;
                RequestReconcile();
                return MembershipChange.Changed;
            }

            return ToChange(code, join);
        }
        finally
        {
            local.Gate.Release();
        }
    }

    private static MembershipChange ToChange(int code, bool join) => code switch
    {
        2 => join ? MembershipChange.RoomCreated : MembershipChange.RoomDeleted,
        1 => MembershipChange.Changed,
        0 => MembershipChange.Unchanged,
        _ => MembershipChange.UnknownConnection,
    };

    /// <summary>Runs the join or leave script (the hot path: no closure, and no state machine beyond RunAsync's); the result is the script's code.</summary>
    private Task<RedisResult> EvalRoomScriptAsync(RedisKey connectionKey, RedisKeys.NamespaceKeys keys, string connectionId, string room, bool join, CancellationToken cancellationToken)
        => RunAsync(
            join ? "join a room" : "leave a room",
            (Script: join ? RedisScripts.Join : RedisScripts.Leave, Keys: new[] { connectionKey, keys.Room(room), keys.Rooms }, Args: new RedisValue[] { connectionId, room }),
            static (db, s) => db.ScriptEvaluateAsync(s.Script, s.Keys, s.Args),
            cancellationToken);

    /// <summary>Sends a message to another server's channel; false when no server listens on it.</summary>
    private async Task<bool> NotifyAsync(string serverId, RedisValue message)
    {
        if (serverId == ServerId)
        {
            await OnServerMessageAsync(message).ConfigureAwait(false);
            return true;
        }

        try
        {
            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            var receivers = await multiplexer.GetSubscriber().PublishAsync(Keys.ServerChannel(serverId), message).WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
            return receivers > 0;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotifyFailed(_logger, serverId, ex);
            return false;
        }
    }

    /// <summary>
    /// Asks another server to do something with one of its connections and waits for its answer (bounded by twice the
    /// operation timeout). Null when no server listens on that server's channel.
    /// </summary>
    private async Task<string?> RequestAsync(string serverId, char operation, string[] fields, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingRequests[requestId] = answer;
        try
        {
            if (!await NotifyAsync(serverId, OwnerMessage.Format(operation, [.. fields, requestId, ServerId])).ConfigureAwait(false))
            {
                return null;
            }

            return await answer.Task.WaitAsync(_options.OperationTimeout * 2, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RoomIndexException($"Server '{serverId}' did not answer within {_options.OperationTimeout * 2} (2 × RedisRoomStoreOptions.OperationTimeout).", ex);
        }
        finally
        {
            _pendingRequests.TryRemove(requestId, out _);
        }
    }

    /// <summary>Handles a message on this server's channel.</summary>
    internal async Task OnServerMessageAsync(RedisValue message)
    {
        if (!OwnerMessage.TryParse(message, out var operation, out var fields))
        {
            return;
        }

        switch (operation)
        {
            case 'A' or 'a' when fields.Length >= 2 && _local.TryGetValue(fields[0], out var local):
                await local.Gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (!local.Removed)
                    {
                        local.SetAttribute(fields[1], operation == 'A' && fields.Length == 3 ? fields[2] : null);
                    }
                }
                finally
                {
                    local.Gate.Release();
                }

                break;

            case 'j' or 'l' when fields.Length == 4:
                // Off the channel's queue: the change awaits Redis, and other messages (answers among them) must flow.
                _ = Task.Run(async () =>
                {
                    string answer;
                    try
                    {
                        answer = _local.TryGetValue(fields[0], out var target)
                            ? ((int)await ChangeLocalRoomAsync(target, fields[0], fields[1], operation == 'j', CancellationToken.None).ConfigureAwait(false)).ToString(System.Globalization.CultureInfo.InvariantCulture)
                            : ((int)MembershipChange.UnknownConnection).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    catch (RoomIndexException ex)
                    {
                        answer = "E" + ex.Message;
                    }

                    await NotifyAsync(fields[3], OwnerMessage.Format('r', fields[2], answer)).ConfigureAwait(false);
                });
                break;

            case 'D' when fields.Length == 3:
                _ = Task.Run(async () =>
                {
                    var done = false;
                    try
                    {
                        done = _localConnections is not null
                            && await _localConnections.DisconnectAsync(fields[0], _options.OperationTimeout, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (TimeoutException ex)
                    {
                        LogNotifyFailed(_logger, fields[2], ex);
                    }

                    await NotifyAsync(fields[2], OwnerMessage.Format('r', fields[1], done ? "1" : "0")).ConfigureAwait(false);
                });
                break;

            case 'r' when fields.Length == 2 && _pendingRequests.TryRemove(fields[0], out var pending):
                pending.TrySetResult(fields[1]);
                break;
        }
    }

    /// <summary>Asks the server holding a connection to disconnect it, and waits for its answer (bounded by twice the operation timeout).</summary>
    public async Task<bool> DisconnectRemoteAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } where
            && await RequestAsync(where.ServerId, 'D', [connectionId], cancellationToken).ConfigureAwait(false) == "1";
    }

    // ---- connection sync, removal, sweeps ----

    /// <summary>Sets a connection's rooms in Redis to <paramref name="desired"/> (empty: removes it), retrying when Redis holds rooms not passed.</summary>
    private async Task<string[]> SyncAsync(IDatabase db, string @namespace, string connectionId, string serverId, IReadOnlyCollection<string> desired, IEnumerable<string> staleHint)
    {
        var keys = Keys.For(@namespace);
        var want = desired.ToArray();
        var stale = new HashSet<string>(staleHint, StringComparer.Ordinal);
        stale.ExceptWith(want);
        for (var attempt = 0; attempt < MaxSyncAttempts; attempt++)
        {
            var staleList = stale.ToArray();
            var redisKeys = new RedisKey[4 + want.Length + staleList.Length];
            var args = new RedisValue[2 + want.Length + staleList.Length];
            redisKeys[0] = keys.Connection(connectionId);
            redisKeys[1] = keys.Rooms;
            redisKeys[2] = keys.Server(serverId);
            redisKeys[3] = keys.Attributes(connectionId);
            args[0] = connectionId;
            args[1] = want.Length;
            for (var i = 0; i < want.Length; i++)
            {
                redisKeys[4 + i] = keys.Room(want[i]);
                args[2 + i] = want[i];
            }

            for (var i = 0; i < staleList.Length; i++)
            {
                redisKeys[4 + want.Length + i] = keys.Room(staleList[i]);
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

        throw new RoomIndexException($"The rooms of connection '{connectionId}' kept changing while they were being synchronised.", null);
    }

    /// <summary>Removes a connection this server does not hold (sweeps, pending clean-ups). Idempotent.</summary>
    private async Task<ConnectionRemoval?> RemoveRemoteAsync(IDatabase db, string @namespace, string connectionId, string ownerServerId)
    {
        var keys = Keys.For(@namespace);
        var rooms = ToStrings(await db.SetMembersAsync(keys.Connection(connectionId)).ConfigureAwait(false));
        var deleted = await SyncAsync(db, @namespace, connectionId, ownerServerId, [], rooms).ConfigureAwait(false);
        await db.HashDeleteAsync(Keys.Conns, connectionId).ConfigureAwait(false);
        return rooms.Length > 0 ? new ConnectionRemoval(@namespace, rooms, deleted) : null;
    }

    /// <summary>Records this server's heartbeat. Returns true when Redis did not hold its registration (lost or swept).</summary>
    public async Task<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var added = await RunAsync("record the heartbeat", db => db.ScriptEvaluateAsync(RedisScripts.Heartbeat, [Keys.Servers], [ServerId]), cancellationToken).ConfigureAwait(false);
        _registered = true;
        return (int)added == 1;
    }

    /// <summary>Re-publishes every connection this server holds (after Redis lost data or this server was swept).</summary>
    public async Task<int> RepublishAllAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await Parallel.ForEachAsync(_local, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (pair, ct) =>
        {
            if (await RepublishAsync(pair.Key, pair.Value, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref count);
            }
        }).ConfigureAwait(false);
        return count;
    }

    /// <summary>Converges Redis to this server's truth: connections whose last change failed, and removals that failed.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (id, local) in _local)
        {
            if (local.Dirty && await RepublishAsync(id, local, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        foreach (var ((ns, id), _) in _pendingRemovals)
        {
            if (_local.ContainsKey(id))
            {
                _pendingRemovals.TryRemove((ns, id), out _);
                continue;
            }

            await RunAsync("remove a connection", db => RemoveRemoteAsync(db, ns, id, ServerId), cancellationToken).ConfigureAwait(false);
            _pendingRemovals.TryRemove((ns, id), out _);
            count++;
        }

        return count;
    }

    private async Task<bool> RepublishAsync(string connectionId, LocalConnection local, CancellationToken cancellationToken)
    {
        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (local.Removed)
            {
                return false;
            }

            var rooms = local.Rooms.ToArray();
            var attributes = local.Attributes?.Select(a => new HashEntry(a.Key, a.Value)).ToArray() ?? [];
            var keys = Keys.For(local.Namespace);
            await RunAsync("re-publish a connection", async db =>
            {
                var conns = db.HashSetAsync(Keys.Conns, connectionId, new ConnectionPointer(ServerId, local.Namespace).Encode());
                var namespaces = db.SetAddAsync(Keys.Namespaces, local.Namespace);
                await SyncAsync(db, local.Namespace, connectionId, ServerId, rooms, []).ConfigureAwait(false);
                await db.KeyDeleteAsync(keys.Attributes(connectionId)).ConfigureAwait(false);
                if (attributes.Length > 0)
                {
                    await db.HashSetAsync(keys.Attributes(connectionId), attributes).ConfigureAwait(false);
                }

                await Task.WhenAll(conns, namespaces).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            local.Dirty = false;
            return true;
        }
        finally
        {
            local.Gate.Release();
        }
    }

    /// <summary>Sweeps servers whose heartbeat is older than the timeout: removes their connections from every room. Idempotent.</summary>
    public async Task<(int Servers, int Connections)> SweepAsync(CancellationToken cancellationToken)
    {
        var timeoutMs = (long)_options.ServerTimeout.TotalMilliseconds;
        var dead = (RedisResult[])(await RunAsync("find dead servers", db => db.ScriptEvaluateAsync(RedisScripts.FindDead, [Keys.Servers], [timeoutMs]), cancellationToken).ConfigureAwait(false))!;
        var servers = 0;
        var connections = 0;
        for (var i = 0; i + 1 < dead.Length; i += 2)
        {
            var serverId = (string)dead[i]!;
            var lastBeat = (string)dead[i + 1]!;
            if (serverId == ServerId)
            {
                continue;
            }

            var namespaces = await RunAsync("list namespaces", db => db.SetMembersAsync(Keys.Namespaces), cancellationToken).ConfigureAwait(false);
            foreach (var nsValue in namespaces)
            {
                var ns = (string)nsValue!;
                var ids = await RunAsync("list a dead server's connections", db => db.SetMembersAsync(Keys.For(ns).Server(serverId)), cancellationToken).ConfigureAwait(false);
                foreach (var id in ids)
                {
                    if (await RunAsync("sweep a connection", db => RemoveRemoteAsync(db, ns, id!, serverId), cancellationToken).ConfigureAwait(false) is not null)
                    {
                        connections++;
                    }
                }
            }

            await RunAsync("forget a dead server", db => db.ScriptEvaluateAsync(RedisScripts.ForgetServer, [Keys.Servers], [serverId, lastBeat]), cancellationToken).ConfigureAwait(false);
            servers++;
            LogSwept(_logger, serverId, connections);
        }

        return (servers, connections);
    }

    /// <summary>Graceful shutdown: removes every connection of this server and its registration at once.</summary>
    public async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _local.Keys)
        {
            await RemoveConnectionAsync(id, cancellationToken).ConfigureAwait(false);
        }

        await RunAsync("unregister the server", db => db.SortedSetRemoveAsync(Keys.Servers, ServerId), cancellationToken).ConfigureAwait(false);
        _registered = false;
    }

    public void RequestReconcile()
    {
        try
        {
            if (ReconcileSignal.CurrentCount == 0)
            {
                ReconcileSignal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    // ---- plumbing ----

    /// <summary>
    /// The machine name (at most 24 characters) and 48 random bits: short, because every connection's entry in the
    /// global connection hash carries it.
    /// </summary>
    private static string DefaultServerId()
    {
        var machine = Environment.MachineName;
        return (machine.Length <= 24 ? machine : machine[..24]) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    }

    private async Task<string?> LookUpNamespaceAsync(string connectionId, CancellationToken cancellationToken)
        => (await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false))?.Namespace;

    /// <summary>Where a connection this server does not hold lives (its server and namespace), in one HGET; null when unknown.</summary>
    private async Task<ConnectionPointer?> LookUpAsync(string connectionId, CancellationToken cancellationToken)
        => ConnectionPointer.Decode(await RunAsync("look up a connection", (Key: Keys.Conns, Id: connectionId), static (db, s) => db.HashGetAsync(s.Key, s.Id), cancellationToken).ConfigureAwait(false));

    private Task RunAsync(string operation, Func<IDatabase, Task> action, CancellationToken cancellationToken)
        => RunAsync(operation, action, static async (db, a) =>
        {
            await a(db).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
        => RunAsync(operation, action, static (db, a) => a(db), cancellationToken);

    /// <summary>
    /// Runs one index operation, bounded by <see cref="RedisRoomStoreOptions.OperationTimeout"/>; Redis failures become
    /// <see cref="RoomIndexException"/>. The state is passed to a static delegate, so hot paths allocate no closure, and an
    /// operation that completed at once costs no state machine.
    /// </summary>
    private Task<T> RunAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> action, CancellationToken cancellationToken)
    {
        if (_connection.Current is not { } multiplexer)
        {
            return ConnectThenRunAsync(operation, state, action, cancellationToken);
        }

        Task<T> task;
        try
        {
            task = action(multiplexer.GetDatabase(), state);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            return Task.FromException<T>(Failure(operation, ex));
        }

        return task.IsCompletedSuccessfully ? task : AwaitAsync(operation, task, cancellationToken);
    }

    private async Task<T> AwaitAsync<T>(string operation, Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            // The index's own multiplexer enforces OperationTimeout itself (its AsyncTimeout): no timer per operation.
            // An application's multiplexer has a timeout of its own choosing, so the wait is bounded here.
            return !_connection.EnforcesOperationTimeout
                ? await task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false)
                : cancellationToken.CanBeCanceled
                    ? await task.WaitAsync(cancellationToken).ConfigureAwait(false)
                    : await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure(operation, ex);
        }
    }

    private async Task<T> ConnectThenRunAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.GetAsync().AsTask().WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure(operation, ex);
        }

        return await RunAsync(operation, state, action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whatever ends an operation other than the caller's own cancellation or the index's own error is a failure of
    /// Redis or of the connection to it: while a connection is torn down StackExchange.Redis also faults commands with
    /// <see cref="TaskCanceledException"/> or <see cref="InvalidOperationException"/>, not only <see cref="RedisException"/>.
    /// </summary>
    private static bool IsRedisFailure(Exception ex, CancellationToken cancellationToken)
        => ex is not RoomIndexException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private RoomIndexException Failure(string operation, Exception ex)
        => new($"The Redis room index could not {operation} within {_options.OperationTimeout.TotalMilliseconds:0} ms (RedisRoomStoreOptions.OperationTimeout): {ex.Message}", ex);

    private static string[] ToStrings(RedisValue[] values)
    {
        var result = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i]!;
        }

        return result;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "A message to or from server {ServerId} failed (a change to one of its connections, or a disconnect request).")]
    private static partial void LogNotifyFailed(ILogger logger, string serverId, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Swept dead server {ServerId}: {Connections} connection(s) removed from the room index.")]
    private static partial void LogSwept(ILogger logger, string serverId, int connections);

    /// <summary>What this server knows of one of its own connections.</summary>
    private sealed class LocalConnection(string @namespace, RedisKeys.NamespaceKeys keys, string connectionId)
    {
        public readonly string Namespace = @namespace;
        public readonly RedisKeys.NamespaceKeys Keys = keys;

        /// <summary>The connection's own key (c:{id}), built once.</summary>
        public readonly RedisKey Key = keys.Connection(connectionId);
        public readonly HashSet<string> Rooms = new(StringComparer.Ordinal) { string.Empty };
        public readonly SemaphoreSlim Gate = new(1, 1);
        public Dictionary<string, string>? Attributes;
        public volatile bool Removed;
        public volatile bool Dirty;

        public void SetAttribute(string name, string? value)
        {
            if (value is null)
            {
                Attributes?.Remove(name);
            }
            else
            {
                (Attributes ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
            }
        }
    }
}
