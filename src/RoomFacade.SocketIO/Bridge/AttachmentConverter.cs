using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// Maps <c>byte[]</c> to Socket.IO binary attachments, at any depth: written as <c>{"_placeholder":true,"num":i}</c>
/// with the bytes collected for the frames that follow the packet; read back from the placeholders of an incoming
/// packet. Serialization is synchronous, so the current message's attachments are held per thread.
/// </summary>
internal sealed class AttachmentConverter : JsonConverter<byte[]>
{
    [ThreadStatic]
    private static List<byte[]>? _outgoing;

    [ThreadStatic]
    private static IReadOnlyList<byte[]>? _incoming;

    /// <summary>Collects the attachments of what is serialized until the returned scope is disposed.</summary>
    public static Scope Collect(List<byte[]> outgoing)
    {
        _outgoing = outgoing;
        return new Scope();
    }

    /// <summary>Resolves placeholders against <paramref name="incoming"/> until the returned scope is disposed.</summary>
    public static Scope Resolve(IReadOnlyList<byte[]> incoming)
    {
        _incoming = incoming;
        return new Scope();
    }

    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetBytesFromBase64();
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected a binary attachment placeholder or a base64 string.");
        }

        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.TryGetProperty("_placeholder", out var placeholder) && placeholder.ValueKind == JsonValueKind.True
            && doc.RootElement.TryGetProperty("num", out var num) && num.TryGetInt32(out var index)
            && _incoming is { } incoming && index >= 0 && index < incoming.Count)
        {
            return incoming[index];
        }

        throw new JsonException("Invalid binary attachment placeholder.");
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        if (_outgoing is not { } outgoing)
        {
            writer.WriteBase64StringValue(value);
            return;
        }

        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder", true);
        writer.WriteNumber("num", outgoing.Count);
        writer.WriteEndObject();
        outgoing.Add(value);
    }

    /// <summary>Ends a <see cref="Collect"/> or <see cref="Resolve"/> scope.</summary>
    internal readonly struct Scope : IDisposable
    {
        public void Dispose()
        {
            _outgoing = null;
            _incoming = null;
        }
    }
}
