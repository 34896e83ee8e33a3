using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Servers;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>
/// Removes a dead server's connections from the index in batches: per batch of <see cref="BatchSize"/> connections, one
/// pipelined read of their rooms, one script in the namespace's slot and one in the global slot. Each script also
/// removes the dead server's publication marker in its slot, so a server swept while alive (a partition, a slow
/// heartbeat) sees the marker gone and re-publishes. Idempotent.
/// </summary>
internal sealed class IndexSweeper(RedisOperationRunner runner, RedisKeys keys)
{
    public const int BatchSize = 256;
    private const int MaxAttempts = 4;

    public async Task<SweepResult> SweepServerAsync(string serverId, IReadOnlyCollection<string> namespaces, CancellationToken cancellationToken)
    {
        var swept = new List<SweptConnection>();
        var deleted = new List<(string Namespace, string Room)>();
        var pointerPrefix = ServerIdentity.PointerPrefix(serverId);
        foreach (var ns in namespaces)
        {
            var nsKeys = keys.For(ns);
            var ids = IndexScripts.ToStrings(await runner.RunAsync("list a dead server's connections", db => db.SetMembersAsync(nsKeys.Server(serverId)), cancellationToken).ConfigureAwait(false));
            foreach (var batch in ids.Chunk(BatchSize))
            {
                await SweepBatchAsync(ns, nsKeys, serverId, batch, swept, deleted, cancellationToken).ConfigureAwait(false);
                await ClearPointersAsync(serverId, pointerPrefix, batch, cancellationToken).ConfigureAwait(false);
            }

            // Its marker, its place in the namespace's server list and its backplane sequences there.
            await ForgetInNamespaceAsync(nsKeys, serverId, cancellationToken).ConfigureAwait(false);
        }

        // The global marker goes last too, whatever was swept: a live server swept by mistake re-publishes its pointers.
        await ClearPointersAsync(serverId, pointerPrefix, [], cancellationToken).ConfigureAwait(false);
        return new SweepResult(swept, deleted);
    }

    private async Task SweepBatchAsync(string ns, RedisKeys.NamespaceKeys nsKeys, string serverId, string[] batch, List<SweptConnection> swept, List<(string, string)> deleted, CancellationToken cancellationToken)
    {
        var pending = batch;
        for (var attempt = 0; attempt < MaxAttempts && pending.Length > 0; attempt++)
        {
            var ids = pending;
            // Rooms and attributes in one pipelined batch: the attributes (user id, app data) go with the leave events.
            var (roomSets, attributeSets) = await runner.RunAsync("read a dead server's connections", async db =>
            {
                var roomReads = Task.WhenAll(ids.Select(id => db.SetMembersAsync(nsKeys.Connection(id))));
                var attributeReads = Task.WhenAll(ids.Select(id => db.HashGetAllAsync(nsKeys.Attributes(id))));
                return (await roomReads.ConfigureAwait(false), await attributeReads.ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
            var attributesById = new Dictionary<string, IReadOnlyDictionary<string, string>>(ids.Length, StringComparer.Ordinal);
            for (var i = 0; i < ids.Length; i++)
            {
                attributesById[ids[i]] = attributeSets[i].ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
            }

            var rooms = roomSets.SelectMany(r => r).Select(r => (string)r!).Distinct(StringComparer.Ordinal).ToArray();
            var redisKeys = new RedisKey[3 + (2 * ids.Length) + rooms.Length];
            var args = new RedisValue[1 + ids.Length + rooms.Length];
            redisKeys[0] = nsKeys.Server(serverId);
            redisKeys[1] = nsKeys.Rooms;
            redisKeys[2] = nsKeys.Marker(serverId);
            args[0] = ids.Length;
            for (var i = 0; i < ids.Length; i++)
            {
                redisKeys[3 + (2 * i)] = nsKeys.Connection(ids[i]);
                redisKeys[4 + (2 * i)] = nsKeys.Attributes(ids[i]);
                args[1 + i] = ids[i];
            }

            for (var j = 0; j < rooms.Length; j++)
            {
                redisKeys[3 + (2 * ids.Length) + j] = nsKeys.Room(rooms[j]);
                args[1 + ids.Length + j] = rooms[j];
            }

            var result = (RedisResult[])(await runner.RunAsync("sweep a dead server's connections", db => db.ScriptEvaluateAsync(RedisScripts.SweepBatch, redisKeys, args), cancellationToken).ConfigureAwait(false))!;
            var removed = (RedisResult[])result[0]!;
            for (var i = 0; i < removed.Length;)
            {
                var id = (string)removed[i]!;
                var count = (int)removed[i + 1];
                swept.Add(new SweptConnection(ns, id, [.. removed.Skip(i + 2).Take(count).Select(r => (string)r!)], attributesById.GetValueOrDefault(id) ?? new Dictionary<string, string>()));
                i += 2 + count;
            }

            deleted.AddRange(((RedisResult[])result[2]!).Select(r => (ns, (string)r!)));
            pending = [.. ((RedisResult[])result[1]!).Select(r => (string)r!)];
        }
    }

    /// <summary>Forgets a server in one namespace's slot (<see cref="RedisScripts.ForgetInNamespace"/>).</summary>
    public Task ForgetInNamespaceAsync(string @namespace, string serverId, CancellationToken cancellationToken)
        => ForgetInNamespaceAsync(keys.For(@namespace), serverId, cancellationToken);

    private Task ForgetInNamespaceAsync(RedisKeys.NamespaceKeys nsKeys, string serverId, CancellationToken cancellationToken)
        => runner.RunAsync(
            "forget a server in a namespace",
            db => db.ScriptEvaluateAsync(RedisScripts.ForgetInNamespace, [nsKeys.Marker(serverId), nsKeys.Servers, nsKeys.Sequences(serverId)], [serverId, (string)nsKeys.Sequences(string.Empty)!]),
            cancellationToken);

    private Task ClearPointersAsync(string serverId, string pointerPrefix, string[] ids, CancellationToken cancellationToken)
    {
        var args = new RedisValue[1 + ids.Length];
        args[0] = pointerPrefix;
        for (var i = 0; i < ids.Length; i++)
        {
            args[1 + i] = ids[i];
        }

        return runner.RunAsync("clear a dead server's pointers", db => db.ScriptEvaluateAsync(RedisScripts.ClearPointers, [keys.Conns, keys.GlobalMarker(serverId)], args), cancellationToken);
    }
}

/// <summary>A connection a sweep removed, with the rooms it was in (the catch-all <c>""</c> included) and its attributes.</summary>
internal sealed record SweptConnection(string Namespace, string ConnectionId, IReadOnlyCollection<string> Rooms, IReadOnlyDictionary<string, string> Attributes);

/// <summary>What a sweep of one dead server removed.</summary>
internal sealed record SweepResult(IReadOnlyList<SweptConnection> Connections, IReadOnlyList<(string Namespace, string Room)> DeletedRooms);
