using System.Collections.Concurrent;
using RoomFacade.Redis.Servers;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>
/// This server's own connections (their namespace, rooms and attributes), the source of truth for them: what the
/// server re-publishes when Redis lost data or a sweep removed them, and what it reconciles Redis to after an
/// operation whose outcome Redis could not confirm.
/// </summary>
internal sealed class LocalTruth(IndexScripts scripts, ServerIdentity identity)
{
    private readonly ConcurrentDictionary<string, LocalConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string ConnectionId), byte> _pendingRemovals = new();

    /// <summary>Signalled when Redis must be reconciled with this truth soon (the maintenance service waits on it).</summary>
    public SemaphoreSlim ReconcileSignal { get; } = new(0, 1);

    public int Count => _connections.Count;


    public IEnumerable<string> ConnectionIds => _connections.Keys;

    public bool TryGet(string connectionId, out LocalConnection connection) => _connections.TryGetValue(connectionId, out connection!);

    public bool TryAdd(LocalConnection connection) => _connections.TryAdd(connection.Id, connection);

    public bool TryRemove(string connectionId, out LocalConnection connection) => _connections.TryRemove(connectionId, out connection!);

    public void Forget(LocalConnection connection) => _connections.TryRemove(new KeyValuePair<string, LocalConnection>(connection.Id, connection));

    /// <summary>Remembers a removal Redis could not confirm; reconciled once Redis answers.</summary>
    public void RemovalPending(string @namespace, string connectionId)
    {
        _pendingRemovals[(@namespace, connectionId)] = 0;
        RequestReconcile();
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

    /// <summary>Re-publishes every connection this server holds.</summary>
    public async Task<int> RepublishAllAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await Parallel.ForEachAsync(_connections.Values, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (local, ct) =>
        {
            if (await RepublishAsync(local, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref count);
            }
        }).ConfigureAwait(false);
        return count;
    }

    /// <summary>Converges Redis to this truth: connections whose last change failed, and removals that failed.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var local in _connections.Values)
        {
            if (local.Dirty && await RepublishAsync(local, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        foreach (var ((ns, id), _) in _pendingRemovals)
        {
            if (!_connections.ContainsKey(id))
            {
                await scripts.RemoveRemoteAsync(ns, id, identity.Id, cancellationToken).ConfigureAwait(false);
                count++;
            }

            _pendingRemovals.TryRemove((ns, id), out _);
        }

        return count;
    }

    private async Task<bool> RepublishAsync(LocalConnection local, CancellationToken cancellationToken)
    {
        await local.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (local.Removed)
            {
                return false;
            }

            var attributes = local.Attributes?.Select(a => new HashEntry(a.Key, a.Value)).ToArray() ?? [];
            await scripts.RepublishAsync(local.Namespace, local.Id, identity.Id, [.. local.Rooms], attributes, cancellationToken).ConfigureAwait(false);
            local.Dirty = false;
            return true;
        }
        finally
        {
            local.Gate.Release();
        }
    }
}
