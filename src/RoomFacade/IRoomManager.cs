using Microsoft.AspNetCore.SignalR;

namespace RoomFacade;

/// <summary>
/// The room API of Socket.IO on SignalR. Inject it into hubs and services. Joins and leaves keep SignalR groups and
/// the membership index in lock-step; queries answer from the index (which SignalR itself cannot enumerate).
/// </summary>
/// <remarks>
/// <para>Socket.IO shapes: <see cref="Sockets"/> is <c>io.sockets</c>, <see cref="Of"/> is <c>io.of(ns)</c>,
/// <see cref="Manager"/> is <c>io.sockets.manager</c>, <see cref="Socket(Hub)"/> is the <c>socket</c> of a hub method.</para>
/// <para>Every connection of a registered hub is in the catch-all room <c>""</c> of its namespace from connect to
/// disconnect; it leaves every room on disconnect without user code, and empty rooms disappear.</para>
/// </remarks>
public interface IRoomManager
{
    /// <summary>The default namespace (<c>io.sockets</c>).</summary>
    /// <exception cref="ArgumentException">No default namespace is registered.</exception>
    RoomNamespace Sockets { get; }

    /// <summary>The 0.9 compatibility views <c>manager.rooms</c> and <c>manager.roomClients</c>.</summary>
    RoomManagerView Manager { get; }

    /// <summary>A namespace by name (<c>io.of('/news')</c>); <c>"news"</c> and <c>"/news"</c> are the same.</summary>
    /// <param name="namespace">The namespace name; <c>""</c> is the default namespace.</param>
    /// <exception cref="ArgumentException">The namespace is not registered.</exception>
    RoomNamespace Of(string @namespace);

    /// <summary>The <c>socket</c> of the connection calling a hub method: <c>rooms.Socket(this)</c>.</summary>
    /// <param name="hub">The hub instance handling the call; its type names the namespace.</param>
    /// <exception cref="ArgumentException">The hub type is not registered as a namespace.</exception>
    RoomSocket Socket(Hub hub);

    /// <summary>The <c>socket</c> of any connected connection, on this server or (with a shared index) another.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <exception cref="UnknownConnectionException">No such connection is connected.</exception>
    Task<RoomSocket> GetSocketAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a connection to a room of its namespace: the SignalR group and the index. Joining a room twice is harmless.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="room">The room name: not null, not <c>""</c> (the catch-all), at most <see cref="RoomFacadeOptions.MaxRoomNameLength"/> characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The room name is invalid.</exception>
    /// <exception cref="UnknownConnectionException">No such connection is connected (nothing changed).</exception>
    /// <exception cref="RoomStoreException">The index failed; the SignalR group change was rolled back.</exception>
    Task JoinAsync(string connectionId, string room, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection from a room. Leaving a room the connection is not in is harmless.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="room">The room name (rules as for <see cref="JoinAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The room name is invalid.</exception>
    /// <exception cref="UnknownConnectionException">No such connection is connected (nothing changed).</exception>
    /// <exception cref="RoomStoreException">The index failed; SignalR was not changed.</exception>
    Task LeaveAsync(string connectionId, string room, CancellationToken cancellationToken = default);

    /// <summary>The non-empty rooms of a namespace with their members' ids, the catch-all <c>""</c> included while anyone is connected.</summary>
    /// <param name="namespace">The namespace name; <c>""</c> is the default namespace.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="ArgumentException">The namespace is not registered.</exception>
    Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default);

    /// <summary>The ids of the members of a room (empty when the room does not exist).</summary>
    /// <param name="namespace">The namespace name; <c>""</c> is the default namespace.</param>
    /// <param name="room">The room name; <c>""</c> lists every connection of the namespace.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="ArgumentException">The namespace is not registered or the room name is invalid.</exception>
    Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default);

    /// <summary>The rooms of a connection, the catch-all <c>""</c> included.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="UnknownConnectionException">No such connection is connected.</exception>
    Task<IReadOnlyCollection<string>> GetRoomsOfAsync(string connectionId, CancellationToken cancellationToken = default);
}
