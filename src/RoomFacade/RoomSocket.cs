using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.Internal;

namespace RoomFacade;

/// <summary>
/// A handle on one connection (a Socket.IO <c>socket</c>): its id, its rooms, joining and leaving, emitting to it,
/// asking it for a result, disconnecting it, its app data, and <see cref="Broadcast"/> to everyone else. Get one with
/// <see cref="IRoomManager.Socket(Hub)"/> in a hub method, <see cref="IRoomManager.GetSocketAsync"/> anywhere, or from
/// <see cref="RoomNamespace.ClientsAsync"/>. The connection may live on another server (Redis index).
/// </summary>
public sealed class RoomSocket : RoomEmitter
{
    /// <summary>The connection attribute holding the app's <c>socket.data</c> (JSON).</summary>
    internal const string DataAttribute = "data";

    /// <summary>The connection attribute holding <c>Context.UserIdentifier</c>.</summary>
    internal const string UserAttribute = "user";

    private readonly RoomManager _manager;
    private readonly NamespaceBinding _namespace;
    private readonly HubCallerContext? _caller;

    internal RoomSocket(RoomManager manager, NamespaceBinding @namespace, string id, HubCallerContext? caller = null)
    {
        _manager = manager;
        _namespace = @namespace;
        _caller = caller;
        Id = id;
    }

    /// <summary>The SignalR connection id (<c>socket.id</c>).</summary>
    public string Id { get; }

    /// <summary>The namespace of the connection (<c>""</c> for the default namespace).</summary>
    public string Namespace => _namespace.Name;

    /// <summary>
    /// Everyone in this socket's namespace except this socket (<c>socket.broadcast</c>); add <c>.To(room)</c> for
    /// the room except this socket (<c>socket.broadcast.to('room')</c>).
    /// </summary>
    public BroadcastOperator Broadcast => new(_manager, _namespace, [], [Id]);

    /// <summary>
    /// Joins <paramref name="room"/> (<c>socket.join('room')</c>). Joining twice is harmless. When this socket is the
    /// caller of a hub method (from <see cref="IRoomManager.Socket(Hub)"/>), the registered
    /// <see cref="IRoomJoinAuthorizer"/>s are consulted first; a refusal is a <see cref="HubException"/>.
    /// </summary>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task JoinAsync(string room, CancellationToken cancellationToken = default)
        => _manager.JoinCoreAsync(Id, room, IsCaller ? _caller : null, cancellationToken);

    /// <summary>Leaves <paramref name="room"/> (<c>socket.leave('room')</c>). Leaving a room one is not in is harmless.</summary>
    /// <param name="room">The room name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task LeaveAsync(string room, CancellationToken cancellationToken = default) => _manager.LeaveAsync(Id, room, cancellationToken);

    /// <summary>
    /// The rooms of this socket as Socket.IO v4's <c>socket.rooms</c>: its own-id room and every room it joined (the 0.9
    /// catch-all <c>""</c> is not included; see <see cref="IRoomManager.GetRoomsOfAsync"/> for the 0.9 view).
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="UnknownConnectionException">The connection has disconnected.</exception>
    public async Task<IReadOnlyCollection<string>> GetRoomsAsync(CancellationToken cancellationToken = default)
        => ToV4Rooms(Id, await _manager.GetRoomsOfAsync(Id, cancellationToken).ConfigureAwait(false), _manager.OwnIdRooms);

    /// <summary>Emits to this socket only.</summary>
    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(args);
        return _namespace.Clients.Client(Id).SendCoreAsync(eventName, args, cancellationToken);
    }

    /// <summary>
    /// Calls a client method and waits for its result (Socket.IO's emit with an acknowledgement, for one socket; SignalR
    /// client results). The client must register a handler that returns a value. Not for the caller of the running hub
    /// method unless <c>HubOptions.MaximumParallelInvocationsPerClient</c> is above 1 (SignalR would wait for itself).
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The client method.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TimeoutException">The client did not answer within <paramref name="timeout"/>.</exception>
    public async Task<T> InvokeAsync<T>(string method, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(args);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await _namespace.Clients.Client(Id).InvokeCoreAsync<T>(method, args, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connection '{Id}' did not answer '{method}' within {timeout}.");
        }
    }

    /// <summary>Disconnects this socket wherever it lives (<c>socket.disconnect(true)</c>); returns once it is out of every room.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="UnknownConnectionException">The connection is not connected.</exception>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        if (!await _manager.DisconnectAsync(Id, cancellationToken).ConfigureAwait(false))
        {
            throw new UnknownConnectionException(Id);
        }
    }

    /// <summary>
    /// Leaves every room this socket joined; it stays in its own-id room and the catch-all (Socket.IO has no single call:
    /// this is the loop over <c>socket.rooms</c> calling <c>socket.leave</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="UnknownConnectionException">The connection is not connected.</exception>
    public Task LeaveAllAsync(CancellationToken cancellationToken = default) => _manager.LeaveAllAsync(Id, cancellationToken);

    /// <summary>
    /// Sets this socket's app data (<c>socket.data = ...</c>), stored as JSON in the index so that
    /// <c>FetchSocketsAsync</c> sees it from any server. For state no other server needs, use SignalR's
    /// <c>Context.Items</c> in the hub instead (no index write).
    /// </summary>
    /// <typeparam name="T">The data type (JSON-serialisable).</typeparam>
    /// <param name="data">The data; <see langword="null"/> clears it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="UnknownConnectionException">The connection is not connected.</exception>
    public Task SetDataAsync<T>(T? data, CancellationToken cancellationToken = default)
        => _manager.SetDataAsync(Id, data is null ? null : JsonSerializer.Serialize(data, FetchedSocket.JsonOptions), cancellationToken);

    /// <summary>
    /// Reads this socket's app data (<c>socket.data</c>); default when none was set. During the disconnect of a
    /// connection held by this server (also in <c>OnDisconnectedAsync</c> after it left its rooms) the data it had is
    /// still returned.
    /// </summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<T?> GetDataAsync<T>(CancellationToken cancellationToken = default)
    {
        if (!_manager.LocalConnections.TryGetDeparted(Id, out var attributes))
        {
            attributes = await _manager.Store.GetConnectionAttributesAsync(Id, cancellationToken).ConfigureAwait(false);
        }

        return attributes.TryGetValue(DataAttribute, out var json) ? JsonSerializer.Deserialize<T>(json, FetchedSocket.JsonOptions) : default;
    }

    /// <inheritdoc />
    public override string ToString() => Id;

    private bool IsCaller => _caller is not null && _caller.ConnectionId == Id;

    internal static IReadOnlyCollection<string> ToV4Rooms(string id, IReadOnlyCollection<string> rooms, bool ownIdRooms)
    {
        var result = new List<string>(rooms.Count + 1);
        if (ownIdRooms)
        {
            result.Add(id);
        }

        result.AddRange(rooms.Where(r => r.Length > 0 && r != id));
        return result;
    }
}
