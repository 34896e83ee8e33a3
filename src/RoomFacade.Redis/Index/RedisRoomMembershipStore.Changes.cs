using RoomFacade.Redis.Servers;
using RoomFacade.Stores;

namespace RoomFacade.Redis.Index;

/// <summary>
/// Changes to one connection's rooms and attributes: made by the server holding it (its truth decides, Redis follows
/// in one script), or requested from that server when another one holds it.
/// </summary>
internal sealed partial class RedisRoomMembershipStore
{
    private async Task<MembershipChange> ChangeRoomAsync(string connectionId, string room, bool join, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (Truth.TryGet(connectionId, out var local))
        {
            return await ChangeLocalRoomAsync(local, room, join, cancellationToken).ConfigureAwait(false);
        }

        // A connection held by another server: that server makes the change, so its truth stays exact and the
        // connection's changes stay ordered.
        if (await LookUpAsync(connectionId, cancellationToken).ConfigureAwait(false) is not { } where)
        {
            return MembershipChange.UnknownConnection;
        }

        var answer = await _channel.RequestAsync(where.ServerId, join ? ServerMessageKind.Join : ServerMessageKind.Leave, [connectionId, room], cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            // Nobody listens for that server (it crashed and is not swept yet): change Redis directly; the script
            // checks the connection exists, atomically with its removal by a sweep.
            var keys = Keys.For(where.Namespace);
            var code = (int)await _scripts.ChangeRoomAsync(keys.Connection(connectionId), keys, connectionId, room, join, cancellationToken).ConfigureAwait(false);
            return IndexScripts.ToChange(code, join);
        }

        return answer is [var wire, ..] ? MembershipChangeWire.Decode(wire) : throw new RoomStoreException($"Server '{where.ServerId}' sent an empty answer.", null);
    }

    /// <summary>
    /// A join or leave of a connection this server holds, made by the backplane's group manager (one script: the index
    /// is also the backplane's routing record). Null when the index does not hold the connection on this server. The
    /// outcome is kept for the facade's own index call that follows (see <see cref="LocalConnection.Unreported"/>).
    /// </summary>
    internal async Task<MembershipChange?> ChangeLocalRoomForGroupAsync(string connectionId, string room, bool join, CancellationToken cancellationToken)
        => Truth.TryGet(connectionId, out var local)
            ? await ChangeLocalRoomAsync(local, room, join, cancellationToken, fromGroups: true).ConfigureAwait(false)
            : null;

    /// <summary>Where a connection this server does not hold lives; null when no server holds it.</summary>
    internal Task<ConnectionPointer?> LocateAsync(string connectionId, CancellationToken cancellationToken) => LookUpAsync(connectionId, cancellationToken);

    /// <summary>A join or leave of one of this server's connections: the local truth decides, Redis follows in one script.</summary>
    private async Task<MembershipChange> ChangeLocalRoomAsync(LocalConnection local, string room, bool join, CancellationToken cancellationToken, bool fromGroups = false)
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
                if (!fromGroups && local.Unreported is { } made && made.Join == join && string.Equals(made.Room, room, StringComparison.Ordinal))
                {
                    // The backplane made this change a moment ago (SignalR's group add runs first): report its outcome.
                    local.Unreported = null;
                    return made.Change;
                }

                return MembershipChange.Unchanged;
            }

            int code;
            try
            {
                code = (int)await _scripts.ChangeRoomAsync(local.Key, local.Keys, local.Id, room, join, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The outcome in Redis is unknown: converge Redis to the local truth (unchanged) once it answers.
                local.Dirty = true;
                Truth.RequestReconcile();
                throw;
            }

            _ = join ? local.Rooms.Add(room) : local.Rooms.Remove(room);
            var change = code == -1 ? MembershipChange.Changed : IndexScripts.ToChange(code, join);
            if (code == -1)
            {
                // Redis no longer has this connection (data lost, or swept): re-publish it.
                local.Dirty = true;
                Truth.RequestReconcile();
            }

            local.Unreported = fromGroups ? (room, join, change) : null;
            return change;
        }
        finally
        {
            local.Gate.Release();
        }
    }

    private async Task<bool> SetLocalAttributeAsync(LocalConnection local, string name, string? value, CancellationToken cancellationToken)
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
                await _scripts.SetAttributeAsync(local.Namespace, local.Id, name, value, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                local.Dirty = true;
                Truth.RequestReconcile();
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

    /// <summary>Another server asks to join or leave one of this server's connections: [connectionId, room].</summary>
    private async Task<string[]> OnRoomRequestAsync(string[] args, bool join, CancellationToken cancellationToken)
    {
        var change = args.Length == 2 && Truth.TryGet(args[0], out var target)
            ? await ChangeLocalRoomAsync(target, args[1], join, cancellationToken).ConfigureAwait(false)
            : MembershipChange.UnknownConnection;
        return [MembershipChangeWire.Encode(change)];
    }

    /// <summary>Another server asks to set an attribute of one of this server's connections: [connectionId, name, "1", value | "0"].</summary>
    private async Task<string[]> OnSetAttributeRequestAsync(string[] args, CancellationToken cancellationToken)
    {
        var set = args.Length >= 3 && Truth.TryGet(args[0], out var target)
            && await SetLocalAttributeAsync(target, args[1], args[2] == "1" && args.Length == 4 ? args[3] : null, cancellationToken).ConfigureAwait(false);
        return [set ? "1" : "0"];
    }

    /// <summary>Another server asks to disconnect one of this server's connections: [connectionId].</summary>
    private async Task<string[]> OnDisconnectRequestAsync(string[] args, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_runner.Timeout);
        var done = args.Length == 1 && _localConnections is not null
            && await _localConnections.DisconnectAsync(args[0], timeout.Token).ConfigureAwait(false);
        return [done ? "1" : "0"];
    }

    /// <summary>Where a connection this server does not hold lives (its server and namespace), in one HGET; null when unknown.</summary>
    private async Task<ConnectionPointer?> LookUpAsync(string connectionId, CancellationToken cancellationToken)
        => ConnectionPointer.Decode(await _runner.RunAsync("look up a connection", (Key: Keys.Conns, Id: connectionId), static (db, s) => db.HashGetAsync(s.Key, s.Id), cancellationToken).ConfigureAwait(false));
}
