using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Diagnostics;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using StackExchange.Redis;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// The servers sharing the index: registers this one, heartbeats at Redis's clock, detects that Redis no longer holds
/// what this server published (in every slot it writes, not only the global one), has it re-published, and sweeps dead
/// servers.
/// </summary>
/// <remarks>
/// Detection uses a publication marker per slot (<see cref="RedisKeys.GlobalMarker"/>, <see cref="RedisKeys.NamespaceKeys.Marker"/>).
/// A marker is written before what it covers and only by this class; data loss and sweeps remove it. Every heartbeat
/// checks the markers, so re-publishing never depends on one particular answer arriving: while a marker is missing, or
/// a re-publish has not completed with every marker verified afterwards, each heartbeat re-publishes.
/// </remarks>
internal sealed partial class ServerRegistry(
    RedisOperationRunner runner,
    RedisKeys keys,
    ServerIdentity identity,
    IndexSweeper sweeper,
    IOptions<RedisRoomStoreOptions> options,
    ILogger<ServerRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Task> _markedNamespaces = new(StringComparer.Ordinal);

    // The hub protocols this server's connections use, per namespace (re-written with the markers after data loss), and
    // the announcements made. A protocol is recorded before its announcement starts, so a re-publish running meanwhile
    // writes it too: the announcements' keys appear only once their first command has been sent.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _protocols = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Protocol), Task> _announced = new();
    private readonly long _serverTimeoutMs = (long)options.Value.ServerTimeout.TotalMilliseconds;
    private Task? _registration;
    private volatile bool _republishPending;

    public string ServerId => identity.Id;

    /// <summary>Whether a re-publish is due (a marker was found missing and the re-publish has not completed since).</summary>
    public bool RepublishPending => _republishPending;

    /// <summary>
    /// Makes sure this server is registered and holds its marker in the namespace's slot before it publishes a
    /// connection there (so that loss or a sweep of what follows is detected). Once per namespace; retried after a failure.
    /// </summary>
    public Task EnsureRegisteredAsync(string @namespace, CancellationToken cancellationToken)
        => _registration is { IsCompletedSuccessfully: true } && _markedNamespaces.TryGetValue(@namespace, out var marked) && marked.IsCompletedSuccessfully
            ? Task.CompletedTask
            : EnsureRegisteredSlowAsync(@namespace, cancellationToken);

    /// <summary>
    /// Makes sure Redis lists a hub protocol among those the namespace's connections use before a connection using it is
    /// accepted (the backplane serializes a message only for the protocols listed). Once per (namespace, protocol): the
    /// namespace is marked first, and every re-publish writes the list again, so a loss of the list is seen and repaired.
    /// </summary>
    public Task AnnounceProtocolAsync(string @namespace, string protocol, CancellationToken cancellationToken)
    {
        if (_announced.TryGetValue((@namespace, protocol), out var done) && done.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }

        _protocols.GetOrAdd(@namespace, static _ => new(StringComparer.Ordinal))[protocol] = true;
        var announcing = _announced.AddOrUpdate(
            (@namespace, protocol),
            key => AnnounceAsync(key.Namespace, key.Protocol),
            (key, existing) => existing.IsFaulted || existing.IsCanceled ? AnnounceAsync(key.Namespace, key.Protocol) : existing);
        return announcing.WaitAsync(cancellationToken);
    }

    private async Task AnnounceAsync(string @namespace, string protocol)
    {
        await EnsureRegisteredAsync(@namespace, CancellationToken.None).ConfigureAwait(false);
        await runner.RunAsync("list a hub protocol in use", db => db.SetAddAsync(keys.For(@namespace).Protocols, protocol), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>One heartbeat: records it, checks every marker, and has <paramref name="truth"/> re-published when one is missing.</summary>
    public async Task<HeartbeatResult> BeatAsync(LocalTruth truth, CancellationToken cancellationToken)
    {
        // Every namespace this server publishes in was marked first (EnsureRegisteredAsync runs before a connection is
        // registered), so the marked set is the set of slots to check: no scan of the local connections per beat.
        var namespaces = _markedNamespaces.Keys.ToArray();
        var id = ServerId;
        var (globalHeld, namespacesHeld) = await runner.RunAsync("record the heartbeat", async db =>
        {
            var beat = db.ScriptEvaluateAsync(RedisScripts.Heartbeat, [keys.Servers, keys.GlobalMarker(id)], [id]);
            var checks = namespaces.Select(ns => db.KeyExistsAsync(keys.For(ns).Marker(id))).ToArray();
            return ((int)await beat.ConfigureAwait(false) == 1, await Task.WhenAll(checks).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);

        var lost = !globalHeld || namespacesHeld.Any(held => !held);
        if (lost)
        {
            _republishPending = true;
        }

        if (!_republishPending)
        {
            _registration ??= Task.CompletedTask;
            return new HeartbeatResult(false, 0);
        }

        // Marker first, then the data, then check the markers survived: loss during the re-publish is seen next beat.
        await SetMarkersAsync(namespaces, cancellationToken).ConfigureAwait(false);
        _registration = Task.CompletedTask;
        var count = await truth.RepublishAllAsync(cancellationToken).ConfigureAwait(false);
        if (await MarkersHeldAsync(namespaces, cancellationToken).ConfigureAwait(false))
        {
            _republishPending = false;
        }

        LogRepublished(logger, count, lost ? "a publication marker was missing" : "the previous re-publish did not complete");
        return new HeartbeatResult(lost, count);
    }

    /// <summary>Sweeps every server whose heartbeat is older than <see cref="RedisRoomStoreOptions.ServerTimeout"/>. Idempotent.</summary>
    public async Task<IReadOnlyList<(string ServerId, SweepResult Result)>> SweepAsync(CancellationToken cancellationToken)
    {
        var dead = (RedisResult[])(await runner.RunAsync("find dead servers", db => db.ScriptEvaluateAsync(RedisScripts.FindDead, [keys.Servers], [_serverTimeoutMs]), cancellationToken).ConfigureAwait(false))!;
        var results = new List<(string, SweepResult)>();
        if (dead.Length == 0)
        {
            return results;
        }

        var namespaces = IndexScripts.ToStrings(await runner.RunAsync("list namespaces", db => db.SetMembersAsync(keys.Namespaces), cancellationToken).ConfigureAwait(false));
        var registered = (await GetServersAsync(cancellationToken).ConfigureAwait(false)).Select(s => s.Id).ToArray();
        for (var i = 0; i + 1 < dead.Length; i += 2)
        {
            var serverId = (string)dead[i]!;
            var lastBeat = (string)dead[i + 1]!;
            if (serverId == ServerId)
            {
                continue;
            }

            var result = await sweeper.SweepServerAsync(serverId, namespaces, cancellationToken).ConfigureAwait(false);
            RedisKey[] forgetKeys = [keys.Servers, keys.BackplaneSequences(serverId), .. registered.Where(s => s != serverId).Select(keys.BackplaneSequences)];
            await runner.RunAsync("forget a dead server", db => db.ScriptEvaluateAsync(RedisScripts.ForgetServer, forgetKeys, [serverId, lastBeat]), cancellationToken).ConfigureAwait(false);
            LogSwept(logger, serverId, result.Connections.Count, result.DeletedRooms.Count);
            results.Add((serverId, result));
        }

        return results;
    }

    /// <summary>The servers registered in the index, with their last heartbeat (Redis clock).</summary>
    public async Task<IReadOnlyList<RoomStoreServer>> GetServersAsync(CancellationToken cancellationToken)
    {
        var entries = await runner.RunAsync("list servers", db => db.SortedSetRangeByRankWithScoresAsync(keys.Servers), cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new RoomStoreServer(e.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score), e.Element == ServerId))];
    }

    /// <summary>
    /// Graceful shutdown (after this server's connections were removed): forgets this server, its markers, its place in
    /// every namespace's server list and its backplane sequence numbers (its own hashes and its field in the other
    /// servers').
    /// </summary>
    public async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        var namespaces = _markedNamespaces.Keys.ToArray();
        var others = (await GetServersAsync(cancellationToken).ConfigureAwait(false)).Where(s => !s.IsSelf).Select(s => s.Id).ToArray();
        await runner.RunAsync("unregister the server", db => Task.WhenAll([
            db.SortedSetRemoveAsync(keys.Servers, ServerId),
            db.KeyDeleteAsync(keys.GlobalMarker(ServerId)),
            db.KeyDeleteAsync(keys.BackplaneSequences(ServerId)),
            .. others.Select(other => db.HashDeleteAsync(keys.BackplaneSequences(other), ServerId)),
        ]), cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(namespaces.Select(ns => sweeper.ForgetInNamespaceAsync(ns, ServerId, cancellationToken))).ConfigureAwait(false);

        _registration = null;
        _markedNamespaces.Clear();
    }

    private async Task EnsureRegisteredSlowAsync(string @namespace, CancellationToken cancellationToken)
    {
        // Shared attempts run without the first caller's token (others wait on them); each caller bounds its own wait.
        var registration = _registration;
        if (registration is null || registration.IsFaulted || registration.IsCanceled)
        {
            registration = _registration = RegisterAsync();
        }

        await registration.WaitAsync(cancellationToken).ConfigureAwait(false);
        var id = ServerId;
        var marked = _markedNamespaces.AddOrUpdate(
            @namespace,
            ns => runner.RunAsync("mark a namespace", db => MarkAsync(db, ns), CancellationToken.None),
            (ns, existing) => existing.IsFaulted || existing.IsCanceled ? runner.RunAsync("mark a namespace", db => MarkAsync(db, ns), CancellationToken.None) : existing);
        await marked.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task RegisterAsync()
    {
        var id = ServerId;
        return runner.RunAsync("register the server", db => Task.WhenAll(
            db.StringSetAsync(keys.GlobalMarker(id), "1"),
            db.ScriptEvaluateAsync(RedisScripts.Heartbeat, [keys.Servers, keys.GlobalMarker(id)], [id])), CancellationToken.None);
    }

    private Task SetMarkersAsync(string[] namespaces, CancellationToken cancellationToken)
    {
        var id = ServerId;
        return runner.RunAsync("write the publication markers", db => Task.WhenAll([
            db.StringSetAsync(keys.GlobalMarker(id), "1"),
            .. namespaces.Select(ns => MarkAsync(db, ns)),
        ]), cancellationToken);
    }

    /// <summary>The marker in a namespace's slot, with this server's place in the namespace's server list (one script).</summary>
    private Task MarkAsync(IDatabase db, string @namespace)
    {
        var nsKeys = keys.For(@namespace);
        RedisValue[] args = _protocols.TryGetValue(@namespace, out var protocols) ? [ServerId, .. protocols.Keys.Select(p => (RedisValue)p)] : [ServerId];
        return db.ScriptEvaluateAsync(RedisScripts.MarkNamespace, [nsKeys.Marker(ServerId), nsKeys.Servers, nsKeys.Protocols], args);
    }

    private async Task<bool> MarkersHeldAsync(string[] namespaces, CancellationToken cancellationToken)
    {
        var id = ServerId;
        var held = await runner.RunAsync("check the publication markers", db => Task.WhenAll([
            db.KeyExistsAsync(keys.GlobalMarker(id)),
            .. namespaces.Select(ns => db.KeyExistsAsync(keys.For(ns).Marker(id))),
        ]), cancellationToken).ConfigureAwait(false);
        return held.All(h => h);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Swept dead server {ServerId}: {Connections} connection(s) removed from the room index, {Rooms} room(s) deleted.")]
    private static partial void LogSwept(ILogger logger, string serverId, int connections, int rooms);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Re-published {Count} connection(s) of this server to the Redis room index: {Reason}.")]
    private static partial void LogRepublished(ILogger logger, int count, string reason);
}

/// <summary>The outcome of one heartbeat.</summary>
/// <param name="RegistrationLost">Whether a publication marker was missing (Redis lost data, or this server was swept).</param>
/// <param name="Republished">Connections re-published by this heartbeat.</param>
internal readonly record struct HeartbeatResult(bool RegistrationLost, int Republished);
