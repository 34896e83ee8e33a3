namespace RoomFacade.Internal;

/// <summary>Namespace and room name rules shared by every entry point.</summary>
internal static class NamespaceNames
{
    /// <summary>"" and "/" are the default namespace; "news" and "/news" are the same namespace.</summary>
    public static string Normalize(string @namespace)
    {
        ClearErrors.ThrowIfNull(@namespace);
        if (@namespace.Length == 0 || @namespace == "/")
        {
            return string.Empty;
        }

        return @namespace[0] == '/' ? @namespace : "/" + @namespace;
    }

    public static void ValidateRoom(string room, int maxLength, bool allowCatchAll, string paramName = "room")
    {
        ClearErrors.ThrowIfNull(room, paramName);
        if (room.Length == 0 && !allowCatchAll)
        {
            throw ClearErrors.Mark(new ArgumentException(
                "The empty room name is the catch-all room: every connection is in it from connect to disconnect, so it cannot be joined or left.",
                paramName));
        }

        if (room.Length > maxLength)
        {
            throw ClearErrors.Mark(new ArgumentException(
                $"Room name is {room.Length} characters long; the limit is {maxLength} (RoomFacadeOptions.MaxRoomNameLength).",
                paramName));
        }
    }

    public static void ValidateConnectionId(string connectionId, string paramName = "connectionId")
    {
        ClearErrors.ThrowIfNull(connectionId, paramName);
        if (connectionId.Length == 0)
        {
            throw ClearErrors.Mark(new ArgumentException("The connection id is empty.", paramName));
        }
    }
}
