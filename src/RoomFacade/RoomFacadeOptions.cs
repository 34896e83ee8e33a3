using RoomFacade.Internal;

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

    /// <summary>
    /// When a registered hub's <c>OnDisconnectedAsync</c> runs: while the connection is still in its rooms
    /// (<see cref="HubDisconnectMoment.WhileInRooms"/>, the default: Socket.IO 0.9, v4's <c>disconnecting</c>) or after
    /// it has left them (<see cref="HubDisconnectMoment.AfterLeavingRooms"/>: v4's <c>disconnect</c>). Hubs implementing
    /// <see cref="IDisconnectingHub"/> get the other moment as well.
    /// </summary>
    public HubDisconnectMoment OnDisconnectedRuns { get; set; } = HubDisconnectMoment.WhileInRooms;

    /// <summary>
    /// Whether the errors RoomFacade throws inside hub methods reach the SignalR caller with their message, default
    /// <see langword="true"/>. SignalR hides exception messages from callers; with this on, an
    /// <see cref="UnknownConnectionException"/>, a <see cref="RoomStoreException"/> or an argument error RoomFacade raised
    /// for bad input (room name, namespace, connection id) becomes a <see cref="Microsoft.AspNetCore.SignalR.HubException"/>
    /// with the same message. Exceptions from the application's own code are not touched.
    /// </summary>
    public bool ClearErrors { get; set; } = true;

    internal List<NamespaceRegistration> Namespaces { get; } = [];
}
