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

    /// <summary>Removes a connection, its attributes and every membership it holds; rooms left empty disappear.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What was removed, or <see langword="null"/> when the connection was not known.</returns>
    Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The namespace of a known connection, or <see langword="null"/> when the connection is unknown.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The namespace of a connection and whether it is in <paramref name="room"/>, in one look-up.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default);

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

    /// <summary>Sets (or, with a null value, removes) a named attribute of a known connection, such as its user id or app data.</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value; <see langword="null"/> removes the attribute.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the connection is not known (nothing stored).</returns>
    Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default);

    /// <summary>The attributes of a connection (empty when it has none or is not known).</summary>
    /// <param name="connectionId">The SignalR connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The number of members of a room (0 when it does not exist); <c>""</c> counts every connection of the namespace.
    /// The default implementation loads the members; stores override it with a count (Redis: one <c>SCARD</c>).
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    async Task<long> CountAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => (await GetMembersAsync(@namespace, room, cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>
    /// The members of a room as Socket.IO v4 counts them: the room's members plus, when <paramref name="room"/> is also
    /// the id of a connection of <paramref name="namespace"/>, that connection (its own-id room). The default
    /// implementation asks twice (<see cref="GetMembersAsync"/>, then <see cref="GetNamespaceAsync"/>); stores override
    /// it to answer in one look-up (Redis: one script, one round trip).
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room name, possibly a connection id; <c>""</c> lists every connection of the namespace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    async Task<IReadOnlyCollection<string>> GetMembersWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        var members = await GetMembersAsync(@namespace, room, cancellationToken).ConfigureAwait(false);
        return room.Length == 0 || members.Contains(room) || await GetNamespaceAsync(room, cancellationToken).ConfigureAwait(false) != @namespace
            ? members
            : [.. members, room];
    }

    /// <summary>
    /// The size of <see cref="GetMembersWithOwnIdRoomAsync"/>'s answer without loading the members. The default
    /// implementation asks twice or three times; stores override it (Redis: one script, one round trip).
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room name, possibly a connection id; <c>""</c> counts every connection of the namespace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    async Task<long> CountWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        var count = await CountAsync(@namespace, room, cancellationToken).ConfigureAwait(false);
        if (room.Length == 0 || await GetNamespaceAsync(room, cancellationToken).ConfigureAwait(false) != @namespace)
        {
            return count;
        }

        return count > 0 && (await GetMembershipAsync(room, room, cancellationToken).ConfigureAwait(false)).IsMember ? count : count + 1;
    }

    /// <summary>
    /// The names of the non-empty rooms of a namespace, without their members, the catch-all <c>""</c> included while
    /// any connection exists. The default implementation loads every room with its members; stores override it.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    async Task<IReadOnlyCollection<string>> GetRoomNamesAsync(string @namespace, CancellationToken cancellationToken = default)
        => [.. (await GetRoomsAsync(@namespace, cancellationToken).ConfigureAwait(false)).Keys];

    /// <summary>
    /// The rooms and attributes of several connections at once (for <c>fetchSockets()</c>): one entry per id, in order,
    /// <see langword="null"/> for a connection that is not known. The default implementation asks twice per connection;
    /// stores override it to answer in a constant number of round trips.
    /// </summary>
    /// <param name="connectionIds">The connection ids.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    async Task<IReadOnlyList<ConnectionDetails?>> GetConnectionDetailsAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var result = new ConnectionDetails?[connectionIds.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var rooms = await GetRoomsOfConnectionAsync(connectionIds[i], cancellationToken).ConfigureAwait(false);
            if (rooms.Count > 0)
            {
                result[i] = new ConnectionDetails(rooms, await GetConnectionAttributesAsync(connectionIds[i], cancellationToken).ConfigureAwait(false));
            }
        }

        return result;
    }
}
