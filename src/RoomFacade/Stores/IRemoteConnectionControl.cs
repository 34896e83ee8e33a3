namespace RoomFacade.Stores;

/// <summary>
/// A capability of a shared store (such as <c>RoomFacade.Redis</c>): reaching connections that another server holds.
/// The facade uses it for <c>DisconnectAsync</c> and <c>DisconnectSocketsAsync</c> when the connection is not local.
/// Implement it on the <see cref="IRoomMembershipStore"/> itself.
/// </summary>
public interface IRemoteConnectionControl
{
    /// <summary>
    /// Asks the server holding <paramref name="connectionId"/> to disconnect it, and returns once that server has done
    /// so and the connection is in no room any more.
    /// </summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="false"/> when no server holds the connection.</returns>
    Task<bool> DisconnectRemoteAsync(string connectionId, CancellationToken cancellationToken);
}
