namespace RoomFacade;

/// <summary>
/// Room events, as Socket.IO's adapter emits them (<c>create-room</c>, <c>delete-room</c>, <c>join-room</c>,
/// <c>leave-room</c>). Inject <see cref="IRoomEvents"/> and subscribe.
/// </summary>
/// <remarks>
/// <para>Each change fires once, on the server that made it (the one that ran the join, the leave, or the disconnect
/// clean-up); with the Redis index, observers on other servers do not see it. A crashed server's connections removed
/// by a sweep fire no events.</para>
/// <para>Order: <see cref="RoomCreated"/> before the first <see cref="Joined"/>; <see cref="Left"/> before
/// <see cref="RoomDeleted"/>. Events cover named rooms: not the catch-all room <c>""</c> nor a connection's own-id room.</para>
/// <para>Handlers run synchronously on the thread that made the change; keep them short. Exceptions they throw are
/// logged and do not undo the change.</para>
/// </remarks>
public interface IRoomEvents
{
    /// <summary>A room got its first member.</summary>
    event EventHandler<RoomEventArgs>? RoomCreated;

    /// <summary>A room lost its last member.</summary>
    event EventHandler<RoomEventArgs>? RoomDeleted;

    /// <summary>A connection joined a room.</summary>
    event EventHandler<RoomEventArgs>? Joined;

    /// <summary>A connection left a room (by a leave, or because it disconnected).</summary>
    event EventHandler<RoomEventArgs>? Left;
}

/// <summary>A room event: the namespace, the room and, for joins and leaves, the connection.</summary>
public sealed class RoomEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room.</param>
    /// <param name="connectionId">The connection, for joins and leaves.</param>
    public RoomEventArgs(string @namespace, string room, string? connectionId)
    {
        Namespace = @namespace;
        Room = room;
        ConnectionId = connectionId;
    }

    /// <summary>The namespace (<c>""</c> for the default one).</summary>
    public string Namespace { get; }

    /// <summary>The room.</summary>
    public string Room { get; }

    /// <summary>The connection that joined or left; <see langword="null"/> for room created/deleted.</summary>
    public string? ConnectionId { get; }
}
