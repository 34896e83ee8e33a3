namespace RoomFacade.Stores;

/// <summary>
/// The connections of registered hubs that this server holds, as a store sees them: registered in dependency injection
/// by <c>AddRoomFacade()</c>, so that a shared store can carry out another server's request about one of them.
/// </summary>
public interface ILocalConnectionControl
{
    /// <summary>Whether this server holds the connection.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    bool Contains(string connectionId);

    /// <summary>
    /// Aborts a connection this server holds and returns once its disconnect has been handled (it is in no room of the
    /// index any more).
    /// </summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the wait (the connection is aborted regardless).</param>
    /// <returns><see langword="false"/> when this server does not hold the connection.</returns>
    Task<bool> DisconnectAsync(string connectionId, CancellationToken cancellationToken);
}
