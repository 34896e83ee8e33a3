using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// The records the Socket.IO bridge and <see cref="SocketIOHubProtocol"/> exchange over a virtual connection's pipes:
/// <c>[int32 length][kind][id][json][attachments]</c>. The namespace and the numeric ack ids are added by the
/// per-connection pump, so one serialized message serves every recipient.
/// </summary>
internal readonly record struct HubFrame(HubFrameKind Kind, string Id, string Json, IReadOnlyList<byte[]> Attachments)
{
    public static void Write(IBufferWriter<byte> output, HubFrameKind kind, string id, ReadOnlySpan<byte> json, IReadOnlyList<byte[]>? attachments)
    {
        var idBytes = Encoding.UTF8.GetByteCount(id);
        var length = 1 + 4 + idBytes + 4 + json.Length + 4;
        if (attachments is not null)
        {
            foreach (var a in attachments)
            {
                length += 4 + a.Length;
            }
        }

        var span = output.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        span[4] = (byte)kind;
        var pos = 5;
        BinaryPrimitives.WriteInt32LittleEndian(span[pos..], idBytes);
        pos += 4;
        pos += Encoding.UTF8.GetBytes(id, span[pos..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[pos..], json.Length);
        pos += 4;
        json.CopyTo(span[pos..]);
        pos += json.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[pos..], attachments?.Count ?? 0);
        pos += 4;
        if (attachments is not null)
        {
            foreach (var a in attachments)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[pos..], a.Length);
                pos += 4;
                a.CopyTo(span[pos..]);
                pos += a.Length;
            }
        }

        output.Advance(pos);
    }

    public static bool TryRead(ref ReadOnlySequence<byte> input, out HubFrame frame)
    {
        frame = default;
        if (input.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[4];
        input.Slice(0, 4).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (input.Length < 4 + length)
        {
            return false;
        }

        var body = input.Slice(4, length).ToArray();
        input = input.Slice(4 + length);
        var kind = (HubFrameKind)body[0];
        var pos = 1;
        var id = ReadString(body, ref pos);
        var json = ReadString(body, ref pos);
        var count = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(pos));
        pos += 4;
        var attachments = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var len = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(pos));
            pos += 4;
            attachments[i] = body.AsSpan(pos, len).ToArray();
            pos += len;
        }

        frame = new HubFrame(kind, id, json, attachments);
        return true;
    }

    private static string ReadString(byte[] body, ref int pos)
    {
        var len = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(pos));
        pos += 4;
        var s = Encoding.UTF8.GetString(body, pos, len);
        pos += len;
        return s;
    }
}
