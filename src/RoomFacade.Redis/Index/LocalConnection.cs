using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>
/// What this server knows of one of its own connections: the truth it re-publishes when Redis loses data. Changes to
/// one connection are serialised by <see cref="Gate"/>.
/// </summary>
internal sealed class LocalConnection(string @namespace, RedisKeys.NamespaceKeys keys, string connectionId)
{
    public string Namespace { get; } = @namespace;

    public RedisKeys.NamespaceKeys Keys { get; } = keys;

    public string Id { get; } = connectionId;

    /// <summary>The connection's own key (c:{id}), built once.</summary>
    public RedisKey Key { get; } = keys.Connection(connectionId);

    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal) { string.Empty };

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Dictionary<string, string>? Attributes { get; private set; }

    /// <summary>
    /// The last room change made through SignalR's group manager (the backplane), not yet reported to the facade: the
    /// facade's own index call that follows finds the change already made and reports this outcome instead.
    /// </summary>
    public (string Room, bool Join, RoomFacade.Stores.MembershipChange Change)? Unreported { get; set; }

    /// <summary>Set once the connection has been removed: no change may follow.</summary>
    public bool Removed { get; set; }

    /// <summary>Set when Redis may differ from this truth (an operation whose outcome is unknown): reconciled soon.</summary>
    public bool Dirty { get; set; }

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
