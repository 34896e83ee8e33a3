namespace RoomFacade;

/// <summary>
/// Room events, as Socket.IO's adapter emits them (<c>create-room</c>, <c>delete-room</c>, <c>join-room</c>,
/// <c>leave-room</c>). Inject <see cref="IRoomEvents"/> and subscribe, or register an <see cref="IRoomEventHandler"/>
/// (async, awaited) with <c>AddRoomFacade().AddRoomEventHandler&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>Each change fires once in the cluster: on the server that made it (the one that ran the join, the leave, or
/// the disconnect clean-up). With the Redis index, observers on other servers do not see it. Connections of a crashed
/// server are removed by another server's sweep; see <see cref="RoomEventReason.Sweep"/> for which stores fire events
/// for them.</para>
/// <para>Order: <see cref="RoomCreated"/> before the first <see cref="Joined"/>; <see cref="Left"/> before
/// <see cref="RoomDeleted"/>. Events cover named rooms: not the catch-all room <c>""</c> nor a connection's own-id room.
/// <see cref="RoomEventArgs.Reason"/> says why (join, leave, disconnect, sweep).</para>
/// <para>These handlers run synchronously on the flow that made the change; keep them short (use an
/// <see cref="IRoomEventHandler"/> to await work such as emits). Exceptions they throw are logged and do not undo the
/// change.</para>
/// </remarks>
public interface IRoomEvents
{
    /// <summary>A room got its first member.</summary>
    event EventHandler<RoomEventArgs>? RoomCreated;

    /// <summary>A room lost its last member.</summary>
    event EventHandler<RoomEventArgs>? RoomDeleted;

    /// <summary>A connection joined a room.</summary>
    event EventHandler<RoomEventArgs>? Joined;

    /// <summary>A connection left a room (by a leave, because it disconnected, or because a sweep removed it).</summary>
    event EventHandler<RoomEventArgs>? Left;
}
