using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// Messages between servers on their <c>{prefix}:srv:{serverId}</c> channels: an operation letter followed by
/// length-prefixed fields (<c>{length}:{text}</c>), so ids, rooms and values may contain any character.
/// <list type="bullet">
/// <item><c>j</c> / <c>l</c> [id, room, requestId, replyServerId]: add / remove your connection to / from a room (you hold
/// its truth), then answer <c>r</c> [requestId, MembershipChange as a number, or <c>E</c> + error].</item>
/// <item><c>D</c> [id, requestId, replyServerId]: disconnect your connection, then answer <c>r</c> [requestId, "1"|"0"].</item>
/// <item><c>A</c> [id, name, value] / <c>a</c> [id, name]: another server set/removed an attribute of one of your connections.</item>
/// </list>
/// </summary>
internal static class OwnerMessage
{
    public static RedisValue Format(char operation, params string[] fields)
    {
        var builder = new StringBuilder().Append(operation);
        foreach (var field in fields)
        {
            builder.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }

        return builder.ToString();
    }

    public static bool TryParse(RedisValue value, out char operation, out string[] fields)
    {
        operation = default;
        fields = [];
        var text = (string?)value;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        operation = text[0];
        var list = new List<string>();
        var position = 1;
        while (position < text.Length)
        {
            var colon = text.IndexOf(':', position);
            if (colon < 0 || !int.TryParse(text.AsSpan(position, colon - position), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || colon + 1 + length > text.Length)
            {
                return false;
            }

            list.Add(text.Substring(colon + 1, length));
            position = colon + 1 + length;
        }

        fields = [.. list];
        return true;
    }
}
