namespace RoomFacade;

/// <summary>
/// Implemented by a registered hub that wants Socket.IO v4's <c>disconnecting</c> moment: RoomFacade calls
/// <see cref="OnDisconnectingAsync"/> on the hub instance handling the disconnect, while the connection is still in
/// every room, before the rooms are left and (with either <see cref="HubDisconnectMoment"/>) before the hub's own
/// <c>OnDisconnectedAsync</c>.
/// </summary>
/// <remarks>
/// For a line-by-line v4 port, set <see cref="RoomFacadeOptions.OnDisconnectedRuns"/> to
/// <see cref="HubDisconnectMoment.AfterLeavingRooms"/> and implement this interface: <c>socket.on('disconnecting')</c>
/// becomes <see cref="OnDisconnectingAsync"/> and <c>socket.on('disconnect')</c> becomes <c>OnDisconnectedAsync</c>.
/// An exception thrown here is logged by SignalR after the clean-up; the rooms are left regardless.
/// </remarks>
public interface IDisconnectingHub
{
    /// <summary>Runs while the disconnecting connection is still in every room (Socket.IO v4's <c>disconnecting</c>).</summary>
    /// <param name="exception">The error that closed the connection, or <see langword="null"/> for a clean close.</param>
    Task OnDisconnectingAsync(Exception? exception);
}
