namespace RoomFacade.Stores;

/// <summary>
/// The membership index behind <see cref="IRoomManager"/>: which connections exist in which namespace,
/// and which rooms each of them is in. SignalR groups route messages; this index answers the queries
/// SignalR cannot (list rooms, list a room's members, list a connection's rooms).
/// </summary>
/// <remarks>
/// <para>The catch-all room <c>""</c> is an ordinary room in the store: <see cref="AddConnectionAsync"/> puts the
/// connection into it and <see cref="RemoveConnectionAsync"/> takes it out with every other room.</para>
/// <para>A room with no members does not exist: it must not appear in <see cref="GetRoomsAsync"/>.</para>
/// <para>Implementations must be thread-safe. Every operation is atomic with respect to the others for the
/// same connection: in particular <see cref="AddToRoomAsync"/> never adds a membership for a connection that
/// <see cref="RemoveConnectionAsync"/> has already removed.</para>
/// <para>Most applications never touch this interface: it is the extension point for store authors
/// (the in-memory default and <c>RoomFacade.Redis</c> implement it).</para>
/// </remarks>
public interface IRoomMembershipStore
{
    /// <summary>Registers a connection in <paramref name="namespace"/> and adds it to the catch-all room <c>""</c>. Idempotent.</summary>
    /// <param name="namespace">The namespace (<c>""</c> for the default one).</param>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection and every membership it holds; rooms left empty disappear.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the connection was known.</returns>
    Task<bool> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The namespace of a known connection, or <see langword="null"/> when the connection is unknown.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Adds a known connection to a room of its namespace, atomically with respect to its removal.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="room">The room name (any string).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection from a room; the room disappears when it becomes empty.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default);

    /// <summary>The ids of the members of a room (empty when the room does not exist).</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room name; <c>""</c> lists every connection of the namespace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default);

    /// <summary>The rooms of a connection, the catch-all <c>""</c> included; empty when the connection is unknown.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Every non-empty room of a namespace with its members, the catch-all <c>""</c> included while any connection exists.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a membership change in an <see cref="IRoomMembershipStore"/>.</summary>
public enum MembershipChange
{
    /// <summary>The membership was added or removed.</summary>
    Changed,

    /// <summary>Nothing to do: the connection was already in the room (join) or was not in it (leave).</summary>
    Unchanged,

    /// <summary>The connection is not known to the store (never connected, or already disconnected).</summary>
    UnknownConnection,
}
