namespace RoomFacade;

/// <summary>
/// An asynchronous room event handler, registered with <c>AddRoomFacade().AddRoomEventHandler&lt;T&gt;()</c> (a
/// singleton). The operation that made the change awaits it: a join returns, and a disconnect moves on to the hub's
/// <c>OnDisconnectedAsync</c> (with <see cref="HubDisconnectMoment.AfterLeavingRooms"/>), only after every handler has
/// completed, so emits made in it ("user left") are sent by then.
/// </summary>
/// <remarks>Fired in the same order and on the same server as <see cref="IRoomEvents"/>. An exception is logged and does
/// not undo the change nor stop the other handlers.</remarks>
public interface IRoomEventHandler
{
    /// <summary>Handles one room event; <see cref="RoomEventArgs.Kind"/> says which.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">The token of the operation that made the change (none for a disconnect or sweep).</param>
    ValueTask OnRoomEventAsync(RoomEventArgs e, CancellationToken cancellationToken);
}
