using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.Redis.Servers;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// The backplane's messages between servers, in binary (protocol bytes travel as they are):
/// <code>
/// hub message   "RF1m" {byte length}:{senderId} {sequence}: body      header and sequence written by the route script
///   body        hubKey, target kind, targets[], excluded[], [invocationId, requesterServerId when kind = I], messages[]
///   messages[]  count, then per protocol: name, bytes
/// client result "RF1c" hubKey, invocationId, status (0 = protocol bytes, 1 = error text), protocol name, bytes
/// string        int32 byte length (little endian), UTF-8;   list: int32 count, strings;   bytes: int32 length, bytes
/// </code>
/// </summary>
internal static class BackplaneEnvelope
{
    /// <summary>What a hub message targets on the receiving server.</summary>
    public enum Target : byte
    {
        All = (byte)'A',
        Groups = (byte)'G',
        Connections = (byte)'C',
        Users = (byte)'U',
        Invocation = (byte)'I',
    }

    /// <summary>The header of this server's hub messages, before the sequence the route script appends.</summary>
    public static byte[] HubMessageHeader(string senderId)
    {
        var id = Encoding.UTF8.GetBytes(senderId);
        return [.. "RF1m"u8, .. Encoding.ASCII.GetBytes(id.Length.ToString(CultureInfo.InvariantCulture)), (byte)':', .. id];
    }

    public static byte[] WriteHubMessage(string hubKey, Target target, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, string? invocationId, string? requesterServerId, IReadOnlyList<SerializedMessage> messages)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        WriteString(writer, hubKey);
        writer.GetSpan(1)[0] = (byte)target;
        writer.Advance(1);
        WriteList(writer, targets);
        WriteList(writer, excluded ?? []);
        if (target == Target.Invocation)
        {
            WriteString(writer, invocationId!);
            WriteString(writer, requesterServerId!);
        }

        WriteInt(writer, messages.Count);
        foreach (var message in messages)
        {
            WriteString(writer, message.ProtocolName);
            WriteBytes(writer, message.Serialized.Span);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Splits a received hub message into its sender, sequence and body; false when malformed.</summary>
    public static bool TryReadHeader(ReadOnlyMemory<byte> message, out string senderId, out long sequence, out ReadOnlyMemory<byte> body)
    {
        senderId = string.Empty;
        sequence = 0;
        body = default;
        var span = message.Span;
        var position = 4;
        if (!TryReadNumber(span, ref position, out var idLength) || position + idLength > span.Length)
        {
            return false;
        }

        senderId = Encoding.UTF8.GetString(span.Slice(position, (int)idLength));
        position += (int)idLength;
        if (!TryReadNumber(span, ref position, out sequence))
        {
            return false;
        }

        body = message[position..];
        return true;
    }

    public static HubMessageBody ReadHubMessage(ReadOnlyMemory<byte> body)
    {
        var reader = new Reader(body);
        var hubKey = reader.String();
        var target = (Target)reader.Byte();
        var targets = reader.List();
        var excluded = reader.List();
        string? invocationId = null, requester = null;
        if (target == Target.Invocation)
        {
            invocationId = reader.String();
            requester = reader.String();
        }

        var count = reader.Int();
        var messages = new SerializedMessage[count];
        for (var i = 0; i < count; i++)
        {
            messages[i] = new SerializedMessage(reader.String(), reader.Bytes());
        }

        return new HubMessageBody(hubKey, target, targets, excluded, invocationId, requester, messages);
    }

    public static byte[] WriteClientResult(string hubKey, string invocationId, bool isError, string protocolName, ReadOnlySpan<byte> bytes)
    {
        var writer = new ArrayBufferWriter<byte>(64 + bytes.Length);
        writer.Write("RF1"u8);
        writer.GetSpan(1)[0] = (byte)ServerMessageKind.ClientResult;
        writer.Advance(1);
        WriteString(writer, hubKey);
        WriteString(writer, invocationId);
        writer.GetSpan(1)[0] = isError ? (byte)1 : (byte)0;
        writer.Advance(1);
        WriteString(writer, protocolName);
        WriteBytes(writer, bytes);
        return writer.WrittenSpan.ToArray();
    }

    public static ClientResultBody ReadClientResult(ReadOnlyMemory<byte> message)
    {
        var reader = new Reader(message[4..]);
        return new ClientResultBody(reader.String(), reader.String(), reader.Byte() == 1, reader.String(), reader.Bytes());
    }

    private static bool TryReadNumber(ReadOnlySpan<byte> span, ref int position, out long value)
    {
        value = 0;
        var start = position;
        while (position < span.Length && span[position] is >= (byte)'0' and <= (byte)'9' && position - start < 19)
        {
            value = (value * 10) + (span[position] - '0');
            position++;
        }

        if (position == start || position >= span.Length || span[position] != (byte)':')
        {
            return false;
        }

        position++;
        return true;
    }

    private static void WriteInt(ArrayBufferWriter<byte> writer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteInt(writer, bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(writer, length);
        Encoding.UTF8.GetBytes(value, writer.GetSpan(length));
        writer.Advance(length);
    }

    private static void WriteList(ArrayBufferWriter<byte> writer, IReadOnlyList<string> values)
    {
        WriteInt(writer, values.Count);
        foreach (var value in values)
        {
            WriteString(writer, value);
        }
    }

    /// <summary>Reads a body; any inconsistency throws <see cref="FormatException"/>.</summary>
    private ref struct Reader(ReadOnlyMemory<byte> memory)
    {
        private readonly ReadOnlyMemory<byte> _memory = memory;
        private int _position;

        public byte Byte()
        {
            Need(1);
            return _memory.Span[_position++];
        }

        public int Int()
        {
            Need(4);
            var value = BinaryPrimitives.ReadInt32LittleEndian(_memory.Span[_position..]);
            _position += 4;
            return value < 0 ? throw new FormatException("Negative length in a backplane message.") : value;
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var length = Int();
            Need(length);
            var value = _memory.Slice(_position, length);
            _position += length;
            return value;
        }

        public string String() => Encoding.UTF8.GetString(Bytes().Span);

        public string[] List()
        {
            var count = Int();
            Need(count * 4);
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = String();
            }

            return values;
        }

        private readonly void Need(int count)
        {
            if (_position + count > _memory.Length)
            {
                throw new FormatException("Truncated backplane message.");
            }
        }
    }
}

/// <summary>A decoded hub message.</summary>
internal sealed record HubMessageBody(string HubKey, BackplaneEnvelope.Target Target, string[] Targets, string[] Excluded, string? InvocationId, string? RequesterServerId, SerializedMessage[] Messages);

/// <summary>A decoded client result.</summary>
internal sealed record ClientResultBody(string HubKey, string InvocationId, bool IsError, string ProtocolName, ReadOnlyMemory<byte> Bytes);
