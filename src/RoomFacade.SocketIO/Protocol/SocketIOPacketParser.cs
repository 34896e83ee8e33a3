using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RoomFacade.SocketIO.Protocol;

/// <summary>
/// Decodes and encodes the text form of Socket.IO v5 packets:
/// <c>&lt;type&gt;[&lt;#attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][JSON]</c>.
/// </summary>
internal static class SocketIOPacketParser
{
    /// <summary>The largest number of binary attachments accepted in one packet (the reference decoder's limit).</summary>
    public const int MaxAttachments = 10;

    private static readonly string[] ReservedEvents = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    public static bool IsReservedEvent(string name) => Array.IndexOf(ReservedEvents, name) >= 0;

    /// <summary>Decodes a packet; <see langword="false"/> with a reason when the text is not a valid packet.</summary>
    public static bool TryDecode(string text, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        error = null;
        if (text.Length == 0 || text[0] < '0' || text[0] > '6')
        {
            error = "unknown packet type";
            return false;
        }

        var type = (SocketIOPacketType)(text[0] - '0');
        var i = 1;
        var attachments = 0;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i >= text.Length || text[i] != '-'
                || !int.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out attachments))
            {
                error = "illegal attachments";
                return false;
            }

            if (attachments > MaxAttachments)
            {
                error = $"too many attachments ({attachments} > {MaxAttachments})";
                return false;
            }

            i++;
        }

        var ns = "/";
        if (i < text.Length && text[i] == '/')
        {
            var start = i;
            while (i < text.Length && text[i] != ',')
            {
                i++;
            }

            ns = text[start..i];
            if (i < text.Length)
            {
                i++;
            }
        }

        long? ackId = null;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                error = "invalid ack id";
                return false;
            }

            ackId = id;
        }

        JsonElement? data = null;
        if (i < text.Length)
        {
            try
            {
                using var doc = JsonDocument.Parse(text.AsMemory(i));
                data = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                error = "invalid payload";
                return false;
            }
        }

        if (!IsPayloadValid(type, data))
        {
            error = "invalid payload";
            return false;
        }

        packet = new SocketIOPacket(type, ns, ackId, data, attachments);
        return true;
    }

    private static bool IsPayloadValid(SocketIOPacketType type, JsonElement? data) => type switch
    {
        SocketIOPacketType.Connect => data is null || data.Value.ValueKind == JsonValueKind.Object,
        SocketIOPacketType.Disconnect => data is null,
        SocketIOPacketType.ConnectError => data is { ValueKind: JsonValueKind.Object or JsonValueKind.String },
        SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => data is { ValueKind: JsonValueKind.Array },
        _ => data is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0 && IsValidEventName(array[0]),
    };

    private static bool IsValidEventName(JsonElement name) => name.ValueKind switch
    {
        JsonValueKind.Number => true,
        JsonValueKind.String => !IsReservedEvent(name.GetString()!),
        _ => false,
    };

    /// <summary>Encodes the header of a packet; <paramref name="json"/> (may be empty) follows it.</summary>
    public static string Encode(SocketIOPacketType type, string @namespace, long? ackId, string json, int attachments = 0)
    {
        var sb = new StringBuilder(json.Length + @namespace.Length + 16);
        sb.Append((char)('0' + (int)type));
        if (attachments > 0)
        {
            sb.Append(attachments.ToString(CultureInfo.InvariantCulture)).Append('-');
        }

        if (@namespace != "/")
        {
            sb.Append(@namespace).Append(',');
        }

        if (ackId is { } id)
        {
            sb.Append(id.ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(json).ToString();
    }
}
