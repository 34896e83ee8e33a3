namespace RoomFacade.Stores;

/// <summary>
/// Registered by <c>AddRoomFacade()</c>: a shared store reports here each connection it removed by itself — a sweep of
/// a crashed server's connections — so that the room events (<see cref="IRoomEvents"/>, <see cref="IRoomEventHandler"/>)
/// fire for it with <see cref="RoomEventReason.Sweep"/>, once in the cluster, on the server that swept it.
/// </summary>
public interface ISweptConnectionSink
{
    /// <summary>Raises the leave (and room deleted) events of a swept connection.</summary>
    /// <param name="connectionId">The swept connection.</param>
    /// <param name="removal">What was removed: its rooms, the rooms that became empty, and its attributes (user id, app data).</param>
    /// <param name="cancellationToken">Cancels the handlers' work.</param>
    ValueTask ConnectionSweptAsync(string connectionId, ConnectionRemoval removal, CancellationToken cancellationToken);
}
