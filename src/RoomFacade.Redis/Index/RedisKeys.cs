using System.Text;
using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

/// <summary>
/// Builds every Redis key and channel of the index. The one place that knows the layout:
/// <code>
/// {prefix}:{ns:HEX}:c:{connectionId}   SET   rooms of a connection (the catch-all "" included)
/// {prefix}:{ns:HEX}:r:{room}           SET   connection ids in a room ("" = every connection of the namespace)
/// {prefix}:{ns:HEX}:rooms              SET   names of the non-empty rooms of the namespace
/// {prefix}:{ns:HEX}:a:{connectionId}   HASH  attributes of a connection (user id, app data)
/// {prefix}:{ns:HEX}:s:{serverId}       SET   connection ids a server holds in the namespace
/// {prefix}:{ns:HEX}:m:{serverId}       STRING a server's publication marker in the namespace's slot
/// {prefix}:{ns:HEX}:servers            SET   servers holding a marker in the namespace (written with the marker)
/// {prefix}:{ns:HEX}:q:{serverId}       HASH  backplane on a cluster: receiving server id -> last sequence number sent
///                                            to it in this namespace
/// {prefix}:{ns:HEX}:srv:{serverId}     sharded channel (backplane on a cluster): hub messages of the namespace for
///                                      this server
/// {prefix}:{g}:conns                   HASH  connection id -> "{length of server id}:{server id}{namespace}"
///                                            (the server holding it and its namespace; see <see cref="ConnectionPointer"/>)
/// {prefix}:{g}:namespaces              SET   namespaces that have had connections
/// {prefix}:{g}:servers                 ZSET  server id -> last heartbeat (Redis TIME, ms)
/// {prefix}:{g}:m:{serverId}            STRING a server's publication marker in the global slot
/// {prefix}:{g}:q:{serverId}            HASH  backplane: receiving server id -> last sequence number sent to it
/// {prefix}:srv:{serverId}              channel: requests to this server about its connections (join, leave, disconnect,
///                                      attribute changes) and answers to its own requests; on a cluster the sharded
///                                      channel {prefix}:{srv:serverId} instead
/// </code>
/// </summary>
/// <remarks>
/// Collision-free for any string: every key has exactly one free-text part, always last, after a fixed marker
/// (<c>c:</c>, <c>r:</c>, <c>s:</c>, <c>a:</c>, <c>m:</c>, <c>q:</c>), so two different (kind, text) pairs never give the same key. The namespace is
/// hex-encoded inside the hash tag, so the tag never contains braces and is never empty; the prefix may not contain
/// braces, so the tag is always the key's first <c>{...}</c>. All keys of a namespace share its hash tag (one cluster
/// slot), so every script touches one slot.
/// <para>A publication marker exists while Redis holds everything a server published in that slot: the server writes it
/// before it (re-)publishes, data loss removes it with the data, and a sweep removes it with the server's connections.
/// A server whose marker is missing re-publishes (see <c>ServerRegistry</c>).</para>
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
        _globalMarker = prefix + ":{g}:m:";
    }

    public RedisKey Conns { get; }

    public RedisKey Namespaces { get; }

    public RedisKey Servers { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NamespaceKeys> _namespaces = new(StringComparer.Ordinal);
    private readonly string _globalMarker;

    /// <summary>A server's publication marker in the global slot.</summary>
    public RedisKey GlobalMarker(string serverId) => _globalMarker + serverId;

    /// <summary>The keys of a namespace (cached: namespaces are few).</summary>
    public NamespaceKeys For(string @namespace)
        => _namespaces.TryGetValue(@namespace, out var keys)
            ? keys
            : _namespaces.Count < 10_000
                ? _namespaces.GetOrAdd(@namespace, ns => new NamespaceKeys(Base(ns)))
                : new NamespaceKeys(Base(@namespace));

    private string Base(string @namespace) => _prefix + ":{ns:" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(@namespace)) + "}:";

    /// <summary>
    /// A server's channel: classic on standalone Redis; sharded on a cluster (<c>{prefix}:{srv:serverId}</c>, its own hash
    /// tag), so a message goes to the one node serving it instead of every node over the cluster bus, and the number of
    /// receivers PUBLISH reports is true (a classic PUBLISH on a cluster counts the receiving node's subscribers only).
    /// </summary>
    public RedisChannel ServerChannel(string serverId, bool sharded = false)
        => sharded ? RedisChannel.Sharded(_prefix + ":{srv:" + serverId + "}") : RedisChannel.Literal(_prefix + ":srv:" + serverId);

    /// <summary>The prefix of every server channel (the backplane's route script appends the server id).</summary>
    public string ServerChannelPrefix => _prefix + ":srv:";

    /// <summary>A server's backplane sequence numbers per receiving server (HASH receiver → last sequence).</summary>
    public RedisKey BackplaneSequences(string serverId) => _prefix + ":{g}:q:" + serverId;

    /// <summary>The keys of one namespace, all under its hash tag.</summary>
    public sealed class NamespaceKeys(string @base)
    {
        private readonly string _connection = @base + "c:";
        private readonly string _room = @base + "r:";
        private readonly string _attributes = @base + "a:";
        private readonly string _server = @base + "s:";
        private readonly string _marker = @base + "m:";
        private readonly string _sequences = @base + "q:";
        private readonly string _channel = @base + "srv:";

        public RedisKey Rooms { get; } = @base + "rooms";

        public RedisKey Connection(string connectionId) => _connection + connectionId;

        public RedisKey Room(string room) => _room + room;

        public RedisKey Attributes(string connectionId) => _attributes + connectionId;

        public RedisKey Server(string serverId) => _server + serverId;

        /// <summary>A server's publication marker in this namespace's slot.</summary>
        public RedisKey Marker(string serverId) => _marker + serverId;

        /// <summary>The servers holding a marker in this namespace (SET, written and removed with the marker).</summary>
        public RedisKey Servers { get; } = @base + "servers";

        /// <summary>Backplane on a cluster: a server's sequence numbers per receiving server in this namespace.</summary>
        public RedisKey Sequences(string serverId) => _sequences + serverId;

        /// <summary>Backplane on a cluster: the prefix of the namespace's sharded server channels (the route script appends the id).</summary>
        public string ChannelPrefix => _channel;

        /// <summary>Backplane on a cluster: a server's sharded channel for the hub messages of this namespace (same slot as its keys).</summary>
        public RedisChannel Channel(string serverId) => RedisChannel.Sharded(_channel + serverId);
    }
}
