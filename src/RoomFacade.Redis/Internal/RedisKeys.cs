using System.Text;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// Builds every Redis key and channel of the index. The one place that knows the layout:
/// <code>
/// {prefix}:{ns:HEX}:c:{connectionId}   SET   rooms of a connection (the catch-all "" included)
/// {prefix}:{ns:HEX}:r:{room}           SET   connection ids in a room ("" = every connection of the namespace)
/// {prefix}:{ns:HEX}:rooms              SET   names of the non-empty rooms of the namespace
/// {prefix}:{ns:HEX}:a:{connectionId}   HASH  attributes of a connection (user id, app data)
/// {prefix}:{ns:HEX}:owner              HASH  connection id -> id of the server holding it
/// {prefix}:{ns:HEX}:s:{serverId}       SET   connection ids a server holds in the namespace
/// {prefix}:{g}:conns                   HASH  connection id -> namespace
/// {prefix}:{g}:namespaces              SET   namespaces that have had connections
/// {prefix}:{g}:servers                 ZSET  server id -> last heartbeat (Redis TIME, ms)
/// {prefix}:srv:{serverId}              channel: requests to this server about its connections (join, leave, disconnect,
///                                      attribute changes) and answers to its own requests
/// </code>
/// </summary>
/// <remarks>
/// Collision-free for any string: every key has exactly one free-text part, always last, after a fixed marker
/// (<c>c:</c>, <c>r:</c>, <c>s:</c>, <c>a:</c>), so two different (kind, text) pairs never give the same key. The namespace is
/// hex-encoded inside the hash tag, so the tag never contains braces and is never empty; the prefix may not contain
/// braces, so the tag is always the key's first <c>{...}</c>. All keys of a namespace share its hash tag (one cluster
/// slot), so every script touches one slot.
/// </remarks>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(string prefix)
    {
        _prefix = prefix;
        Conns = prefix + ":{g}:conns";
        Namespaces = prefix + ":{g}:namespaces";
        Servers = prefix + ":{g}:servers";
    }

    public RedisKey Conns { get; }

    public RedisKey Namespaces { get; }

    public RedisKey Servers { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NamespaceKeys> _namespaces = new(StringComparer.Ordinal);

    /// <summary>The keys of a namespace (cached: namespaces are few).</summary>
    public NamespaceKeys For(string @namespace)
        => _namespaces.TryGetValue(@namespace, out var keys)
            ? keys
            : _namespaces.Count < 10_000
                ? _namespaces.GetOrAdd(@namespace, ns => new NamespaceKeys(Base(ns)))
                : new NamespaceKeys(Base(@namespace));

    private string Base(string @namespace) => _prefix + ":{ns:" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(@namespace)) + "}:";

    public RedisChannel ServerChannel(string serverId) => RedisChannel.Literal(_prefix + ":srv:" + serverId);

    /// <summary>The keys of one namespace, all under its hash tag.</summary>
    public readonly struct NamespaceKeys(string @base)
    {
        public RedisKey Connection(string connectionId) => @base + "c:" + connectionId;

        public RedisKey Room(string room) => @base + "r:" + room;

        public RedisKey Attributes(string connectionId) => @base + "a:" + connectionId;

        public RedisKey Rooms => @base + "rooms";

        public RedisKey Owner => @base + "owner";

        public RedisKey Server(string serverId) => @base + "s:" + serverId;
    }
}
