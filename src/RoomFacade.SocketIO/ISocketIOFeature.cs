using System.Text.Json;

namespace RoomFacade.SocketIO;

/// <summary>
/// The Socket.IO handshake of a connection, in the hub's <c>Context.Features</c> for connections made by Socket.IO
/// clients (absent for SignalR clients). Headers and query of the handshake request are in <c>Context.GetHttpContext()</c>.
/// </summary>
public interface ISocketIOFeature
{
    /// <summary>The <c>auth</c> payload of the namespace CONNECT packet (an empty object when the client sent none).</summary>
    JsonElement Auth { get; }

    /// <summary>The Socket.IO namespace the client connected to, such as <c>"/"</c> or <c>"/news"</c>.</summary>
    string Namespace { get; }

    /// <summary>The Engine.IO session id (<c>socket.conn.id</c>); several namespace connections may share it.</summary>
    string EngineSessionId { get; }
}
