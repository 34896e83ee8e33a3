namespace RoomFacade.SocketIO.Engine;

/// <summary>The layer above Engine.IO (Socket.IO): receives the data of <c>message</c> packets and the close.</summary>
internal interface IEngineMessageHandler
{
    /// <summary>A text message (without the leading <c>4</c>).</summary>
    void OnTextMessage(string text);

    /// <summary>A binary message.</summary>
    void OnBinaryMessage(byte[] data);

    /// <summary>The Engine.IO connection closed (called once).</summary>
    void OnClose(string reason);
}
