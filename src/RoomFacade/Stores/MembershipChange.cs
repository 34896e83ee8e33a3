namespace RoomFacade.Stores;

/// <summary>The outcome of a membership change in an <see cref="IRoomMembershipStore"/>.</summary>
/// <remarks>The values are explicit and stable: stores may persist or transmit them.</remarks>
public enum MembershipChange
{
    /// <summary>The membership was added or removed; the room existed before and still exists.</summary>
    Changed = 0,

    /// <summary>Nothing to do: the connection was already in the room (join) or was not in it (leave).</summary>
    Unchanged = 1,

    /// <summary>The connection is not known to the store (never connected, or already disconnected).</summary>
    UnknownConnection = 2,

    /// <summary>The membership was added and the connection is the room's first member: the room was created.</summary>
    RoomCreated = 3,

    /// <summary>The membership was removed and the connection was the room's last member: the room was deleted.</summary>
    RoomDeleted = 4,
}
