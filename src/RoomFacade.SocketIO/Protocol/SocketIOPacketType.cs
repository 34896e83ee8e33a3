namespace RoomFacade.SocketIO.Protocol;

/// <summary>Socket.IO v5 packet types.</summary>
internal enum SocketIOPacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}
