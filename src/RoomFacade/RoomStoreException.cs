namespace RoomFacade;

/// <summary>
/// Thrown when the membership index failed (for example the Redis server is unreachable). A join or leave
/// that throws it has been rolled back in SignalR; the inner exception says what failed.
/// </summary>
public sealed class RoomStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's own exception.</param>
    public RoomStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
