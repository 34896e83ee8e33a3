namespace RoomFacade;

/// <summary>Which room event a <see cref="RoomEventArgs"/> describes.</summary>
public enum RoomEventKind
{
    /// <summary>A room got its first member (<c>create-room</c>).</summary>
    RoomCreated,

    /// <summary>A room lost its last member (<c>delete-room</c>).</summary>
    RoomDeleted,

    /// <summary>A connection joined a room (<c>join-room</c>).</summary>
    Joined,

    /// <summary>A connection left a room (<c>leave-room</c>).</summary>
    Left,
}
