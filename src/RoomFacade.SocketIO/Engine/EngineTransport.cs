namespace RoomFacade.SocketIO.Engine;

/// <summary>The transport state of an Engine.IO session.</summary>
internal enum EngineTransport
{
    Polling,
    Upgrading,
    WebSocket,
}
