using System.Text.Json;

namespace RoomFacade;

/// <summary>
/// A socket as <c>FetchSocketsAsync</c> found it (Socket.IO's <c>fetchSockets()</c> result): its id, rooms, user id and
/// app data at that moment, and the operations of a <see cref="RoomSocket"/> (emit, join, leave, disconnect), which work
/// wherever the connection lives.
/// </summary>
public sealed class FetchedSocket : RoomEmitter
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly string? _data;

    internal FetchedSocket(RoomSocket socket, IReadOnlyCollection<string> rooms, IReadOnlyDictionary<string, string> attributes)
    {
        Socket = socket;
        Rooms = rooms;
        UserId = attributes.TryGetValue(RoomSocket.UserAttribute, out var user) ? user : null;
        _data = attributes.TryGetValue(RoomSocket.DataAttribute, out var data) ? data : null;
    }

    /// <summary>The connection id.</summary>
    public string Id => Socket.Id;

    /// <summary>The namespace.</summary>
    public string Namespace => Socket.Namespace;

    /// <summary>The rooms when fetched, v4 style: the own-id room and every joined room.</summary>
    public IReadOnlyCollection<string> Rooms { get; }

    /// <summary>The connection's user id (SignalR's <c>Context.UserIdentifier</c>, from the claims) when it connected; null without one.</summary>
    public string? UserId { get; }

    /// <summary>The app data set with <see cref="RoomSocket.SetDataAsync{T}"/>, as JSON; null when none.</summary>
    public JsonElement? Data => _data is null ? null : JsonDocument.Parse(_data).RootElement.Clone();

    /// <summary>A handle to act on the socket.</summary>
    public RoomSocket Socket { get; }

    /// <summary>The app data, deserialised; default when none.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    public T? GetData<T>() => _data is null ? default : JsonSerializer.Deserialize<T>(_data, JsonOptions);

    /// <summary>Joins a room (<c>socket.join</c>, wherever the socket lives).</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task JoinAsync(string room, CancellationToken cancellationToken = default) => Socket.JoinAsync(room, cancellationToken);

    /// <summary>Leaves a room.</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task LeaveAsync(string room, CancellationToken cancellationToken = default) => Socket.LeaveAsync(room, cancellationToken);

    /// <summary>Disconnects the socket; returns once it is out of every room.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) => Socket.DisconnectAsync(cancellationToken);

    /// <summary>Emits to this socket only.</summary>
    /// <inheritdoc />
    public override Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default)
        => Socket.EmitCoreAsync(eventName, args, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Id;
}
