using System.Net;
using RoomFacade.Testing;
using StackExchange.Redis;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// Slots of a Redis Cluster as the tests need them: which master holds a key, and moving one slot to another master
/// the way <c>redis-cli --cluster reshard</c> does (SETSLOT IMPORTING / MIGRATING, MIGRATE every key, SETSLOT NODE).
/// </summary>
internal static class ClusterSlots
{
    /// <summary>The slot of <paramref name="key"/>, as Redis computes it (CLUSTER KEYSLOT).</summary>
    public static async Task<int> SlotOfAsync(IServer anyNode, RedisKey key)
        => (int)await anyNode.ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!).DefaultTimeout();

    /// <summary>The master holding <paramref name="slot"/> now (a fresh CLUSTER NODES, not the client's cached map).</summary>
    public static async Task<IServer> MasterOfAsync(IConnectionMultiplexer admin, IServer anyNode, int slot)
    {
        var configuration = await anyNode.ClusterNodesAsync().DefaultTimeout() ?? throw new InvalidOperationException("CLUSTER NODES gave nothing.");
        var owner = configuration.GetBySlot(slot) ?? throw new InvalidOperationException($"No master holds slot {slot}.");
        return admin.GetServer(owner.EndPoint!);
    }

    /// <summary>
    /// Moves <paramref name="slot"/> with its keys from <paramref name="source"/> to <paramref name="target"/> and tells
    /// every master (<paramref name="masters"/>) its new owner: target first, then source, then the others.
    /// </summary>
    public static async Task MoveAsync(int slot, IServer source, IServer target, IReadOnlyList<IServer> masters)
    {
        var sourceId = await MyIdAsync(source);
        var targetId = await MyIdAsync(target);
        var (host, port) = target.EndPoint switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host, dns.Port),
            var other => throw new InvalidOperationException($"Unexpected endpoint {other}."),
        };

        await target.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId).DefaultTimeout();
        await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId).DefaultTimeout();
        for (var batch = 0; ; batch++)
        {
            if (batch > 10_000)
            {
                throw new InvalidOperationException($"Slot {slot} still has keys on its source after {batch} MIGRATE batches.");
            }

            var keys = (string[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100).DefaultTimeout())!;
            if (keys.Length == 0)
            {
                break;
            }

            // MIGRATE host port "" 0 timeout KEYS k1 k2 ... (the empty key and db 0 mean: the keys listed after KEYS)
            await source.ExecuteAsync("MIGRATE", [host, port, "", 0, 5000, "KEYS", .. keys]).DefaultTimeout();
        }

        foreach (var node in (IServer[])[target, source, .. masters.Where(m => !m.EndPoint.Equals(source.EndPoint) && !m.EndPoint.Equals(target.EndPoint))])
        {
            await node.ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId).DefaultTimeout();
        }
    }

    private static async Task<string> MyIdAsync(IServer node)
        => (string)(await node.ExecuteAsync("CLUSTER", "MYID").DefaultTimeout())!;
}
