using System.Diagnostics;

namespace RoomFacade.LoadDriver;

/// <summary>
/// One measured broadcast run: counts deliveries received inside the measurement window and records their latency
/// (receive time minus the send timestamp carried by the message, same process clock). A sender's window slot is
/// released when it receives its own message back.
/// </summary>
internal sealed class BroadcastRun
{
    private const int MaxLatencySamples = 8_000_000;

    private readonly long _windowStart;
    private readonly long _windowEnd;
    private readonly SemaphoreSlim?[] _senderSlots;
    private readonly double[] _latencies;
    private long _delivered;
    private int _latencyCount;

    public BroadcastRun(long windowStart, long windowEnd, SemaphoreSlim?[] senderSlots, int expectedSamples)
    {
        _windowStart = windowStart;
        _windowEnd = windowEnd;
        _senderSlots = senderSlots;
        _latencies = new double[Math.Clamp(expectedSamples, 1024, MaxLatencySamples)];
    }

    public long Delivered => Interlocked.Read(ref _delivered);

    public ReadOnlySpan<double> Latencies => _latencies.AsSpan(0, Math.Min(Volatile.Read(ref _latencyCount), _latencies.Length));

    public void OnMessage(int receiver, int sender, long sentAt)
    {
        var now = Stopwatch.GetTimestamp();
        if (now >= _windowStart && now < _windowEnd)
        {
            Interlocked.Increment(ref _delivered);
            var slot = Interlocked.Increment(ref _latencyCount) - 1;
            if (slot < _latencies.Length)
            {
                _latencies[slot] = (now - sentAt) * 1000.0 / Stopwatch.Frequency;
            }
        }

        if (sender == receiver && _senderSlots[receiver] is { } slots)
        {
            try
            {
                slots.Release();
            }
            catch (SemaphoreFullException)
            {
                // A late message after its slot was given back by the watchdog.
            }
        }
    }
}
