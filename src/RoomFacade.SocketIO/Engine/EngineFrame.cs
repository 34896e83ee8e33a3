namespace RoomFacade.SocketIO.Engine;

/// <summary>One outgoing Engine.IO packet: text (<c>&lt;type&gt;&lt;data&gt;</c>, such as <c>"2"</c> or <c>"4hello"</c>) or a binary message.</summary>
internal readonly record struct EngineFrame(string? Text, byte[]? Binary)
{
    public static EngineFrame FromText(string text) => new(text, null);

    public static EngineFrame FromBinary(byte[] data) => new(null, data);
}
