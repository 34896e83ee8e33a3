namespace RoomFacade.Stores;

/// <summary>A connection's rooms and attributes, as <see cref="IRoomMembershipStore.GetConnectionDetailsAsync"/> found them.</summary>
public sealed class ConnectionDetails
{
    /// <summary>Creates the details.</summary>
    /// <param name="rooms">Every room of the connection, the catch-all <c>""</c> included.</param>
    /// <param name="attributes">Its attributes (user id, app data).</param>
    public ConnectionDetails(IReadOnlyCollection<string> rooms, IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentNullException.ThrowIfNull(attributes);
        Rooms = rooms;
        Attributes = attributes;
    }

    /// <summary>Every room of the connection, the catch-all <c>""</c> included.</summary>
    public IReadOnlyCollection<string> Rooms { get; }

    /// <summary>Its attributes (user id, app data).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }
}
