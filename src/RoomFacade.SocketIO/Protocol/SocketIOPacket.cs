using System.Text.Json;

namespace RoomFacade.SocketIO.Protocol;

/// <summary>A decoded Socket.IO v5 packet (text part; binary attachments arrive after it).</summary>
internal sealed class SocketIOPacket(SocketIOPacketType type, string @namespace, long? ackId, JsonElement? data, int attachments)
{
    public SocketIOPacketType Type { get; } = type;

    /// <summary>The namespace, <c>"/"</c> for the default one.</summary>
    public string Namespace { get; } = @namespace;

    public long? AckId { get; } = ackId;

    public JsonElement? Data { get; } = data;

    /// <summary>The number of binary attachments that follow (BINARY_EVENT / BINARY_ACK).</summary>
    public int Attachments { get; } = attachments;
}
