using RoomFacade.Diagnostics;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Servers;
using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>
/// The Redis index as an <see cref="IRoomMembershipStore"/>. Every join, leave and disconnect is one Lua script (one
/// round trip). This server changes the rooms and attributes of its own connections only (<see cref="LocalTruth"/>);
/// a change to a connection held elsewhere is a request to its server over the <see cref="ServerChannel"/>.
/// </summary>
internal sealed partial class RedisRoomMembershipStore : IRoomMembershipStore, IRoomStoreServers, IRemoteConnectionControl
{
    private readonly RedisOperationRunner _runner;
    private readonly IndexScripts _scripts;
    private readonly ServerRegistry _registry;
    private readonly ServerChannel _channel;
    private readonly ILocalConnectionControl? _localConnections;

    public RedisRoomMembershipStore(RedisOperationRunner runner, IndexScripts scripts, LocalTruth truth, ServerRegistry registry, ServerChannel channel, ILocalConnectionControl? localConnections = null)
    {
        _runner = runner;
        _scripts = scripts;
        Truth = truth;
        _registry = registry;
        _channel = channel;
        _localConnections = localConnections;
        channel.Handle(ServerMessageKind.Join, (args, ct) => OnRoomRequestAsync(args, join: true, ct));
        channel.Handle(ServerMessageKind.Leave, (args, ct) => OnRoomRequestAsync(args, join: false, ct));
        channel.Handle(ServerMessageKind.SetAttribute, OnSetAttributeRequestAsync);
        channel.Handle(ServerMessageKind.Disconnect, OnDisconnectRequestAsync);
    }

    /// <summary>This server's id in the index.</summary>
    public string ServerId => _registry.ServerId;

    public RedisKeys Keys => _scripts.Keys;

    public LocalTruth Truth { get; }

    /// <summary>Number of connections this server holds.</summary>
    public int LocalConnectionCount => Truth.Count;

    public async Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(connectionId);
        NoteNamespace(@namespace);
        var local = new LocalConnection(@namespace, Keys.For(@namespace), connectionId);
        if (!Truth.TryAdd(local))
        {
            if (Truth.TryGet(connectionId, out var existing) && existing.Namespace != @namespace)
            {
                throw new InvalidOperationException($"Connection '{connectionId}' is already registered in namespace '{existing.Namespace}'.");
            }

            return;
        }

        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _registry.EnsureRegisteredAsync(@namespace, cancellationToken).ConfigureAwait(false);
            await _scripts.RegisterAsync(@namespace, connectionId, ServerId, local.Rooms, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            local.Removed = true;
            Truth.Forget(local);
            Truth.RemovalPending(@namespace, connectionId);
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
        if (Truth.TryRemove(connectionId, out var local))
        {
            await local.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                local.Removed = true;
                var rooms = local.Rooms.ToArray();
                var deleted = await _scripts.RemoveAsync(local.Namespace, connectionId, ServerId, rooms, cancellationToken).ConfigureAwait(false);
                return new ConnectionRemoval(local.Namespace, rooms, deleted) { Attributes = CopyAttributes(local) };
            }
            catch
            {
                Truth.RemovalPending(local.Namespace, connectionId);
                throw;
            }
            finally
            {
                local.Gate.Release();
            }
        }

        return await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } where
            ? await _scripts.RemoveRemoteAsync(where.Namespace, connectionId, where.ServerId, cancellationToken).ConfigureAwait(false)
            : null;
    }

    public async Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (Truth.TryGet(connectionId, out var local))
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

        var found = await ReadRemoteAsync("look up a membership", connectionId, async (db, keys) =>
        {
            var exists = db.KeyExistsAsync(keys.Connection(connectionId));
            var member = db.SetContainsAsync(keys.Connection(connectionId), room);
            return (Exists: await exists.ConfigureAwait(false), Member: await member.ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        return found is { Value.Exists: true } f ? new RoomMembership(f.Namespace, f.Value.Member) : default;
    }

    public async Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(name);
        if (Truth.TryGet(connectionId, out var local))
        {
            return await SetLocalAttributeAsync(local, name, value, cancellationToken).ConfigureAwait(false);
        }

        // A connection held by another server: that server makes the change (as for joins), so a re-publish of its
        // truth can never undo the write.
        if (await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } where)
        {
            return false;
        }

        var answer = await _channel.RequestAsync(where.ServerId, ServerMessageKind.SetAttribute, value is null ? [connectionId, name, "0"] : [connectionId, name, "1", value], cancellationToken).ConfigureAwait(false);
        return answer is null
            ? await _scripts.SetAttributeAsync(where.Namespace, connectionId, name, value, cancellationToken).ConfigureAwait(false)
            : answer is ["1", ..];
    }

    public async Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (Truth.TryGet(connectionId, out var local))
        {
            // This server holds the connection and makes every change to its attributes: read them here, no round trip.
            return await ReadLocalAsync(local, static l => CopyAttributes(l), cancellationToken).ConfigureAwait(false) ?? new Dictionary<string, string>();
        }

        var found = await ReadRemoteAsync("read connection attributes", connectionId, (db, keys) => db.HashGetAllAsync(keys.Attributes(connectionId)), cancellationToken).ConfigureAwait(false);
        return found is { } f
            ? f.Value.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>();
    }

    public async Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (Truth.TryGet(connectionId, out var local))
        {
            return local.Removed ? null : local.Namespace;
        }

        // The global hash is only a pointer: the connection exists while its room set does.
        var found = await ReadRemoteAsync("look up a connection", connectionId, (db, keys) => db.KeyExistsAsync(keys.Connection(connectionId)), cancellationToken).ConfigureAwait(false);
        return found is { Value: true } f ? f.Namespace : null;
    }

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => ChangeRoomAsync(connectionId, room, join: true, cancellationToken);

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => ChangeRoomAsync(connectionId, room, join: false, cancellationToken);

    public async Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        var members = await _runner.RunAsync("list a room's members", Keys.For(@namespace).Room(room), static (db, key) => db.SetMembersAsync(key), cancellationToken).ConfigureAwait(false);
        return IndexScripts.ToStrings(members);
    }

    public async Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (Truth.TryGet(connectionId, out var local))
        {
            // This server holds the connection and makes every change to its rooms: answer here, no round trip
            // (socket.rooms in a hub method is the common case).
            return await ReadLocalAsync(local, static l => (IReadOnlyCollection<string>)[.. l.Rooms], cancellationToken).ConfigureAwait(false) ?? [];
        }

        var found = await ReadRemoteAsync("list a connection's rooms", connectionId, (db, keys) => db.SetMembersAsync(keys.Connection(connectionId)), cancellationToken).ConfigureAwait(false);
        return found is { } f ? IndexScripts.ToStrings(f.Value) : [];
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        var keys = Keys.For(@namespace);
        var names = await _runner.RunAsync("list rooms", keys.Rooms, static (db, key) => db.SetMembersAsync(key), cancellationToken).ConfigureAwait(false);

        // One SMEMBERS per room, all pipelined on the multiplexer (no round trip each). Measured against one Lua script
        // per batch of rooms, this costs Redis a quarter of the CPU and lets other clients' commands interleave.
        return await _runner.RunAsync<(RedisKeys.NamespaceKeys Keys, RedisValue[] Names), IReadOnlyDictionary<string, IReadOnlyCollection<string>>>("list rooms", (keys, names), static async (db, s) =>
        {
            var members = await Task.WhenAll(s.Names.Select(name => db.SetMembersAsync(s.Keys.Room(name!)))).ConfigureAwait(false);
            var result = new Dictionary<string, IReadOnlyCollection<string>>(members.Length, StringComparer.Ordinal);
            for (var i = 0; i < members.Length; i++)
            {
                // A room can empty between the two steps (they are not one snapshot): it is left out.
                if (members[i].Length > 0)
                {
                    result[s.Names[i]!] = IndexScripts.ToStrings(members[i]);
                }
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<RoomStoreServer>> GetServersAsync(CancellationToken cancellationToken) => _registry.GetServersAsync(cancellationToken);

    /// <summary>Asks the server holding a connection to disconnect it, and waits for its answer (bounded by twice the operation timeout).</summary>
    public async Task<bool> DisconnectRemoteAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } where
            && await _channel.RequestAsync(where.ServerId, ServerMessageKind.Disconnect, [connectionId], cancellationToken).ConfigureAwait(false) is ["1", ..];
    }

    /// <summary>Graceful shutdown: removes every connection of this server, then its registration.</summary>
    public async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        foreach (var id in Truth.ConnectionIds.ToArray())
        {
            await RemoveConnectionAsync(id, cancellationToken).ConfigureAwait(false);
        }

        await _registry.UnregisterAsync(cancellationToken).ConfigureAwait(false);
    }
}
