using System.Globalization;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// The message one server sends to the server holding a connection after changing that connection's rooms:
/// <c>{op}{idLength}:{id}{room}</c> with op <c>J</c> (joined) or <c>L</c> (left). Length-prefixed, so ids and rooms
/// may contain any character.
/// </summary>
internal static class OwnerMessage
{
    public static RedisValue Format(char operation, string connectionId, string room)
        => string.Create(CultureInfo.InvariantCulture, $"{operation}{connectionId.Length}:{connectionId}{room}");

    public static bool TryParse(RedisValue value, out char operation, out string connectionId, out string room)
    {
        operation = default;
        connectionId = room = string.Empty;
        var text = (string?)value;
        if (text is null || text.Length < 3 || (text[0] != 'J' && text[0] != 'L'))
        {
            return false;
        }

        var colon = text.IndexOf(':', 1);
        if (colon < 0 || !int.TryParse(text.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || colon + 1 + length > text.Length)
        {
            return false;
        }

        operation = text[0];
        connectionId = text.Substring(colon + 1, length);
        room = text[(colon + 1 + length)..];
        return true;
    }
}
