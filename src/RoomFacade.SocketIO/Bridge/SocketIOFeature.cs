using System.Text.Json;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>The handshake data of one namespace connection.</summary>
internal sealed class SocketIOFeature(JsonElement auth, string @namespace, string engineSessionId) : ISocketIOFeature
{
    public JsonElement Auth { get; } = auth;

    public string Namespace { get; } = @namespace;

    public string EngineSessionId { get; } = engineSessionId;
}
