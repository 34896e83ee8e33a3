using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>Counts, room names and many connections' details: each a constant number of round trips.</summary>
internal sealed partial class RedisRoomMembershipStore
{
    /// <summary>One <c>SCARD</c>.</summary>
    public async Task<long> CountAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        return await _runner.RunAsync("count a room's members", Keys.For(@namespace).Room(room), static (db, key) => db.SetLengthAsync(key), cancellationToken).ConfigureAwait(false);
    }

    private const int MaxGuessedNamespaces = 4;
    private volatile string[] _namespacesSeen = [];

    /// <summary>One script: the room's members and the own-id check of the room's name (see <see cref="RedisScripts.MembersWithOwnIdRoom"/>).</summary>
    public async Task<IReadOnlyCollection<string>> GetMembersWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        if (room.Length == 0)
        {
            return await GetMembersAsync(@namespace, room, cancellationToken).ConfigureAwait(false);
        }

        var members = await RunOwnIdRoomScriptAsync("list a room's members", RedisScripts.MembersWithOwnIdRoom, @namespace, room, cancellationToken).ConfigureAwait(false);
        return IndexScripts.ToStrings((RedisValue[])members!);
    }

    /// <summary>One script: the room's size and the own-id check of the room's name (see <see cref="RedisScripts.CountWithOwnIdRoom"/>).</summary>
    public async Task<long> CountWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        return room.Length == 0
            ? await CountAsync(@namespace, room, cancellationToken).ConfigureAwait(false)
            : (long)await RunOwnIdRoomScriptAsync("count a room's members", RedisScripts.CountWithOwnIdRoom, @namespace, room, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One <c>SMEMBERS</c> of the namespace's room set.</summary>
    public async Task<IReadOnlyCollection<string>> GetRoomNamesAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        var names = await _runner.RunAsync("list room names", Keys.For(@namespace).Rooms, static (db, key) => db.SetMembersAsync(key), cancellationToken).ConfigureAwait(false);
        return IndexScripts.ToStrings(names);
    }

    /// <summary>
    /// This server's connections from its local truth; the others in two pipelined batches whatever their number: one
    /// <c>HMGET</c> of their pointers, then their rooms and attributes.
    /// </summary>
    public async Task<IReadOnlyList<ConnectionDetails?>> GetConnectionDetailsAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var result = new ConnectionDetails?[connectionIds.Count];
        var remote = new List<int>();
        for (var i = 0; i < result.Length; i++)
        {
            var id = connectionIds[i] ?? throw new ArgumentException("A connection id is null.", nameof(connectionIds));
            if (Truth.TryGet(id, out var local))
            {
                result[i] = await ReadLocalAsync(local, static l => new ConnectionDetails([.. l.Rooms], CopyAttributes(l)), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                remote.Add(i);
            }
        }

        if (remote.Count == 0)
        {
            return result;
        }

        var fields = remote.Select(i => (RedisValue)connectionIds[i]).ToArray();
        var pointers = await _runner.RunAsync("look up connections", (Key: Keys.Conns, Fields: fields), static (db, s) => db.HashGetAsync(s.Key, s.Fields), cancellationToken).ConfigureAwait(false);
        var found = new List<(int Index, RedisKeys.NamespaceKeys Keys)>();
        for (var j = 0; j < remote.Count; j++)
        {
            if (ConnectionPointer.Decode(pointers[j]) is { } pointer)
            {
                found.Add((remote[j], Keys.For(pointer.Namespace)));
            }
        }

        if (found.Count == 0)
        {
            return result;
        }

        var reads = await _runner.RunAsync("read connections", (Found: found, Ids: connectionIds), static async (db, s) =>
        {
            var rooms = Task.WhenAll(s.Found.Select(f => db.SetMembersAsync(f.Keys.Connection(s.Ids[f.Index]))));
            var attributes = Task.WhenAll(s.Found.Select(f => db.HashGetAllAsync(f.Keys.Attributes(s.Ids[f.Index]))));
            return (Rooms: await rooms.ConfigureAwait(false), Attributes: await attributes.ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < found.Count; k++)
        {
            // A connection exists while its room set does (it always holds the catch-all room).
            if (reads.Rooms[k].Length > 0)
            {
                result[found[k].Index] = new ConnectionDetails(
                    IndexScripts.ToStrings(reads.Rooms[k]),
                    reads.Attributes[k].ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal));
            }
        }

        return result;
    }

    /// <summary>Runs a read script over a room's set and the connection set of the same name (both under the namespace's hash tag).</summary>
    private Task<RedisResult> RunOwnIdRoomScriptAsync(string operation, string script, string @namespace, string room, CancellationToken cancellationToken)
    {
        var keys = Keys.For(@namespace);
        return _runner.RunAsync(
            operation,
            (Script: script, Keys: new[] { keys.Room(room), keys.Connection(room) }, Args: new RedisValue[] { room }),
            static (db, s) => db.ScriptEvaluateAsync(s.Script, s.Keys, s.Args),
            cancellationToken);
    }

    /// <summary>Remembers a namespace this server has connections in: reads of other servers' connections guess it.</summary>
    private void NoteNamespace(string @namespace)
    {
        var seen = _namespacesSeen;
        if (seen.Length < MaxGuessedNamespaces && Array.IndexOf(seen, @namespace) < 0)
        {
            _namespacesSeen = [.. seen, @namespace]; // a lost race drops a guess, nothing else
        }
    }

    /// <summary>
    /// Reads a connection held by another server in one round trip: its pointer (<c>HGET</c>) and the read in every
    /// namespace this server has connections in are sent together (their answers do not depend on each other), and the
    /// read of the pointer's namespace is kept. A namespace not seen here costs a second round trip. Null when no server
    /// holds the connection.
    /// </summary>
    private async Task<(string Namespace, T Value)?> ReadRemoteAsync<T>(string operation, string connectionId, Func<IDatabase, RedisKeys.NamespaceKeys, Task<T>> read, CancellationToken cancellationToken)
    {
        var guesses = _namespacesSeen;
        var (pointer, reads) = await _runner.RunAsync(operation, async db =>
        {
            var lookUp = db.HashGetAsync(Keys.Conns, connectionId);
            var guessed = new Task<T>[guesses.Length];
            for (var i = 0; i < guesses.Length; i++)
            {
                guessed[i] = read(db, Keys.For(guesses[i]));
            }

            return (await lookUp.ConfigureAwait(false), await Task.WhenAll(guessed).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        if (ConnectionPointer.Decode(pointer) is not { } where)
        {
            return null;
        }

        var index = Array.IndexOf(guesses, where.Namespace);
        if (index >= 0)
        {
            return (where.Namespace, reads[index]);
        }

        var keys = Keys.For(where.Namespace);
        return (where.Namespace, await _runner.RunAsync(operation, db => read(db, keys), cancellationToken).ConfigureAwait(false));
    }

    private static Dictionary<string, string> CopyAttributes(LocalConnection local)
        => local.Attributes is { } attributes ? new Dictionary<string, string>(attributes, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Reads one of this server's connections under its gate; null once it has been removed.</summary>
    private static async Task<T?> ReadLocalAsync<T>(LocalConnection local, Func<LocalConnection, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return local.Removed ? null : read(local);
        }
        finally
        {
            local.Gate.Release();
        }
    }
}
