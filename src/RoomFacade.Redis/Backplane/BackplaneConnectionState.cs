namespace RoomFacade.Redis.Backplane;

/// <summary>
/// What the backplane keeps per local connection (in its features): its groups, the gate that keeps its group changes
/// in order, and its pending writes (bounded: see <see cref="RedisBackplaneOptions.MaxPendingWritesPerConnection"/>).
/// </summary>
internal sealed class BackplaneConnectionState
{
    private int _pending;

    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Set once the connection has disconnected: later group adds are ignored.</summary>
    public bool Disconnected { get; set; }

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Reserves a pending write; false (nothing reserved) when <paramref name="max"/> are pending already.</summary>
    public bool TryReserve(int max)
    {
        if (Interlocked.Increment(ref _pending) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _pending);
}
