namespace RoomFacade;

/// <summary>
/// Thrown when an operation names a connection id that the room index does not hold: it never connected to a
/// registered hub, or it has already disconnected. Nothing was changed.
/// </summary>
public sealed class UnknownConnectionException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="connectionId"/>.</summary>
    /// <param name="connectionId">The id that is not known.</param>
    public UnknownConnectionException(string connectionId)
        : base($"Connection '{connectionId}' is not connected to any registered namespace (it never connected, or it has disconnected).", "connectionId")
    {
        ConnectionId = connectionId;
    }

    /// <summary>The connection id that is not known.</summary>
    public string ConnectionId { get; }
}
