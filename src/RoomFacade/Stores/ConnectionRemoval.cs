namespace RoomFacade.Stores;

/// <summary>What <see cref="IRoomMembershipStore.RemoveConnectionAsync"/> removed.</summary>
/// <param name="Namespace">The connection's namespace.</param>
/// <param name="Rooms">Every room the connection was in, the catch-all <c>""</c> included.</param>
/// <param name="DeletedRooms">The rooms that became empty and disappeared.</param>
public sealed record ConnectionRemoval(string Namespace, IReadOnlyCollection<string> Rooms, IReadOnlyCollection<string> DeletedRooms)
{
    /// <summary>
    /// The connection's attributes when it was removed (user id, app data), so that "user left" handlers can still read
    /// them; empty when the store does not report them.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
