namespace RoomFacade;

/// <summary>
/// When a registered hub's <c>OnDisconnectedAsync</c> runs relative to the connection leaving its rooms
/// (<see cref="RoomFacadeOptions.OnDisconnectedRuns"/>).
/// </summary>
public enum HubDisconnectMoment
{
    /// <summary>
    /// <c>OnDisconnectedAsync</c> runs while the connection is still in every room, then the rooms are left: Socket.IO
    /// 0.9's <c>disconnect</c> and v4's <c>disconnecting</c> moment. Queries made in it still list the leaver. The default.
    /// </summary>
    WhileInRooms = 0,

    /// <summary>
    /// The connection leaves every room (on every server's view of the index) first, then <c>OnDisconnectedAsync</c>
    /// runs: Socket.IO v4's <c>disconnect</c> moment. Counts and member lists made in it no longer include the leaver;
    /// the socket's data (<see cref="RoomSocket.GetDataAsync{T}"/>) can still be read on this server. Implement
    /// <see cref="IDisconnectingHub"/> for code that must run while the connection is still in its rooms.
    /// </summary>
    AfterLeavingRooms = 1,
}
