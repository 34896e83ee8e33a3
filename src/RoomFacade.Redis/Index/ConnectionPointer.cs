using StackExchange.Redis;

namespace RoomFacade.Redis.Index;

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
