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
/// {prefix}:{ns:HEX}:s:{serverId}       SET   connection ids a server holds in the namespace
/// {prefix}:{g}:conns                   HASH  connection id -> "{length of server id}:{server id}{namespace}"
///                                            (the server holding it and its namespace; see <see cref="ConnectionPointer"/>)
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
    public sealed class NamespaceKeys(string @base)
    {
        private readonly string _connection = @base + "c:";
        private readonly string _room = @base + "r:";
        private readonly string _attributes = @base + "a:";
        private readonly string _server = @base + "s:";

        public RedisKey Rooms { get; } = @base + "rooms";

        public RedisKey Connection(string connectionId) => _connection + connectionId;

        public RedisKey Room(string room) => _room + room;

        public RedisKey Attributes(string connectionId) => _attributes + connectionId;

        public RedisKey Server(string serverId) => _server + serverId;
    }
}

/// <summary>
/// Where a connection lives: the value of the global <c>conns</c> hash, encoded as
/// <c>{length of the server id}:{server id}{namespace}</c> (unambiguous for any strings, one hash entry per connection).
/// </summary>
internal readonly record struct ConnectionPointer(string ServerId, string Namespace)
{
    public string Encode() => ServerId.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + ServerId + Namespace;

    public static ConnectionPointer? Decode(RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        var text = (string)value!;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            && length <= text.Length - colon - 1
                ? new ConnectionPointer(text.Substring(colon + 1, length), text[(colon + 1 + length)..])
                : null;
    }
}
