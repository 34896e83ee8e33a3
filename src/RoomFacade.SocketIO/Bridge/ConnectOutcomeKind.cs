namespace RoomFacade.SocketIO.Bridge;

/// <summary>How a namespace CONNECT ended.</summary>
internal enum ConnectOutcomeKind
{
    Success,
    Refused,
    Failed,
}
