using System.Text.Json;

namespace RoomFacade;

/// <summary>A room event: what happened, why, the namespace, the room and, for joins and leaves, the connection.</summary>
public sealed class RoomEventArgs : EventArgs
{
    private readonly string? _data;

    /// <summary>Creates the event arguments.</summary>
    /// <param name="kind">Which event.</param>
    /// <param name="reason">Why it happened.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="room">The room.</param>
    /// <param name="connectionId">The connection, for joins and leaves.</param>
    /// <param name="userId">The connection's user id, when known.</param>
    /// <param name="data">The connection's app data as JSON (<c>socket.data</c>), when known.</param>
    public RoomEventArgs(RoomEventKind kind, RoomEventReason reason, string @namespace, string room, string? connectionId, string? userId = null, string? data = null)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        Kind = kind;
        Reason = reason;
        Namespace = @namespace;
        Room = room;
        ConnectionId = connectionId;
        UserId = userId;
        _data = data;
    }

    /// <summary>Which event.</summary>
    public RoomEventKind Kind { get; }

    /// <summary>Why it happened: a join, a leave, a disconnect or a sweep after a server crash.</summary>
    public RoomEventReason Reason { get; }

    /// <summary>The namespace (<c>""</c> for the default one).</summary>
    public string Namespace { get; }

    /// <summary>The room.</summary>
    public string Room { get; }

    /// <summary>The connection that joined or left; <see langword="null"/> for room created/deleted.</summary>
    public string? ConnectionId { get; }

    /// <summary>
    /// The leaving connection's user id (<c>Context.UserIdentifier</c>), for <see cref="RoomEventKind.Left"/> with
    /// <see cref="RoomEventReason.Disconnect"/> or <see cref="RoomEventReason.Sweep"/>; otherwise null.
    /// </summary>
    public string? UserId { get; }

    /// <summary>
    /// The leaving connection's app data (<c>socket.data</c>) as JSON, for <see cref="RoomEventKind.Left"/> with
    /// <see cref="RoomEventReason.Disconnect"/> or <see cref="RoomEventReason.Sweep"/> (the connection is gone by then,
    /// so it can no longer be read from the index); otherwise null. For a plain leave, read it from the socket.
    /// </summary>
    public JsonElement? Data => _data is null ? null : JsonDocument.Parse(_data).RootElement.Clone();

    /// <summary>The app data deserialised (see <see cref="Data"/>); default when none.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    public T? GetData<T>() => _data is null ? default : JsonSerializer.Deserialize<T>(_data, FetchedSocket.JsonOptions);
}
