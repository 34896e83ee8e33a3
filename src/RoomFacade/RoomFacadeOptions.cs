namespace RoomFacade;

/// <summary>Options of the room facade, bound and validated at start-up.</summary>
public sealed class RoomFacadeOptions
{
    /// <summary>The default value of <see cref="MaxRoomNameLength"/>: 256 characters.</summary>
    public const int DefaultMaxRoomNameLength = 256;

    /// <summary>
    /// The longest room name accepted by join, leave, emit and queries, in UTF-16 characters
    /// (default <see cref="DefaultMaxRoomNameLength"/>, allowed 1 to 65,536). Longer names are refused with an
    /// <see cref="ArgumentException"/> and change nothing. The limit keeps index keys and group names bounded.
    /// </summary>
    public int MaxRoomNameLength { get; set; } = DefaultMaxRoomNameLength;

    /// <summary>
    /// Whether every connection is in a room named by its own id, as in Socket.IO v4 (<c>io.to(socket.id)</c>), default
    /// <see langword="true"/>. The facade adds each connection to the SignalR group of its id on connect; with SignalR's
    /// Redis backplane that costs one extra channel subscription per connection. Own-id rooms are not stored in the
    /// index and never appear in the 0.9 views (<c>manager.rooms</c>, <c>roomClients</c>).
    /// </summary>
    public bool OwnIdRooms { get; set; } = true;

    internal List<NamespaceRegistration> Namespaces { get; } = [];
}
