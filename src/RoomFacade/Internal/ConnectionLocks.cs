namespace RoomFacade.Internal;

/// <summary>
/// Serialises the joins and leaves of one connection on this server (striped: a fixed pool of locks chosen by the
/// connection id's hash), so that a join and a leave of the same connection cannot interleave their SignalR and index
/// steps.
/// </summary>
internal sealed class ConnectionLocks
{
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    public async ValueTask<Releaser> LockAsync(string connectionId, CancellationToken cancellationToken)
    {
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(connectionId) % Stripes)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
