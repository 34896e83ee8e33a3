using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// One message on a server's channel, and its wire format. Explicit and versioned, so servers of different versions
/// in one fleet either understand each other or log and ignore what they do not know:
/// <code>
/// "RF" version kind field*        version: one digit (now 1); kind: one letter (<see cref="ServerMessageKind"/>)
/// field = {length}:{text}          length in UTF-16 code units, so fields may contain any character
/// request fields:  requestId, replyServerId, arguments...
/// answer fields:   requestId, status ("ok" | "err"), payload...
/// </code>
/// One-way kinds (<see cref="ServerMessageKind.HubMessage"/>, <see cref="ServerMessageKind.ClientResult"/>) share the
/// first four characters ("RF", version, kind) and carry binary bodies of their own (the backplane's envelope).
/// </summary>
internal readonly record struct ServerMessage(ServerMessageKind Kind, string[] Fields)
{
    public const int Version = 1;
    private const string Magic = "RF";

    public RedisValue Encode()
    {
        var builder = new StringBuilder(Magic).Append((char)('0' + Version)).Append((char)Kind);
        foreach (var field in Fields)
        {
            builder.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }

        return builder.ToString();
    }

    /// <summary>Parses a message; <see cref="ServerMessageParse.UnknownVersion"/> for another version's messages.</summary>
    public static ServerMessageParse TryDecode(RedisValue value, out ServerMessage message)
    {
        message = default;
        var text = (string?)value;
        if (text is null || text.Length < 4 || !text.StartsWith(Magic, StringComparison.Ordinal))
        {
            return ServerMessageParse.Malformed;
        }

        if (text[2] != (char)('0' + Version))
        {
            return ServerMessageParse.UnknownVersion;
        }

        var fields = new List<string>();
        var position = 4;
        while (position < text.Length)
        {
            var colon = text.IndexOf(':', position);
            if (colon < 0 || !int.TryParse(text.AsSpan(position, colon - position), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || colon + 1 + length > text.Length)
            {
                return ServerMessageParse.Malformed;
            }

            fields.Add(text.Substring(colon + 1, length));
            position = colon + 1 + length;
        }

        message = new ServerMessage((ServerMessageKind)text[3], [.. fields]);
        return ServerMessageParse.Ok;
    }
}

/// <summary>The kinds of server-to-server messages. The values are the wire letters: never change one.</summary>
internal enum ServerMessageKind
{
    /// <summary>Answer to a request: [requestId, "ok" | "err", payload...].</summary>
    Answer = 'r',

    /// <summary>Add your connection to a room: [requestId, replyTo, connectionId, room] → ok [change].</summary>
    Join = 'j',

    /// <summary>Remove your connection from a room: [requestId, replyTo, connectionId, room] → ok [change].</summary>
    Leave = 'l',

    /// <summary>Set or remove an attribute of your connection: [requestId, replyTo, connectionId, name, "1" value | "0"] → ok ["1" | "0"].</summary>
    SetAttribute = 's',

    /// <summary>Disconnect your connection: [requestId, replyTo, connectionId] → ok ["1" | "0"].</summary>
    Disconnect = 'd',

    /// <summary>Backplane: add your connection to a SignalR group: [requestId, replyTo, hubKey, connectionId, group] → ok ["1" | "0"].</summary>
    GroupAdd = 'g',

    /// <summary>Backplane: remove your connection from a SignalR group: [requestId, replyTo, hubKey, connectionId, group] → ok ["1" | "0"].</summary>
    GroupRemove = 'h',

    /// <summary>
    /// Backplane, one-way and binary: a hub message for this server's connections, numbered per (sender → receiver):
    /// <c>"RF1m" {byte length}:{senderId} {sequence}: body</c> (see <c>BackplaneEnvelope</c>).
    /// </summary>
    HubMessage = 'm',

    /// <summary>Backplane, one-way and binary: a client result for an invocation this server forwarded: <c>"RF1c" body</c>.</summary>
    ClientResult = 'c',
}

/// <summary>The outcome of <see cref="ServerMessage.TryDecode"/>.</summary>
internal enum ServerMessageParse
{
    Ok,
    Malformed,
    UnknownVersion,
}
