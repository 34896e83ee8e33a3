namespace RoomFacade.SocketIO.Bridge;

/// <summary>The kinds of <see cref="HubFrame"/>.</summary>
internal enum HubFrameKind : byte
{
    /// <summary>An event (either direction); towards the hub the id is the client's ack id, or empty.</summary>
    Event = (byte)'E',

    /// <summary>Hub → client: an event expecting an ack (a SignalR client result); the id is SignalR's invocation id.</summary>
    Invocation = (byte)'I',

    /// <summary>Hub → client: the answer to the client's ack request; the id is the client's ack id.</summary>
    Ack = (byte)'A',

    /// <summary>Client → hub: the client's ack of an <see cref="Invocation"/>; the id is SignalR's invocation id.</summary>
    Completion = (byte)'C',

    /// <summary>Hub → client: the server closed the connection without an error (Socket.IO DISCONNECT).</summary>
    Disconnect = (byte)'D',

    /// <summary>Hub → client: the server closed the connection with an error; the JSON holds the message.</summary>
    Failure = (byte)'F',
}
