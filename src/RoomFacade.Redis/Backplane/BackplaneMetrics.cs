using System.Diagnostics.Metrics;
using RoomFacade.Redis.Servers;

namespace RoomFacade.Redis.Backplane;

/// <summary>The backplane's instruments on the <c>RoomFacade.Redis</c> meter.</summary>
internal sealed class BackplaneMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishedBytes;
    private readonly Counter<long> _received;
    private readonly Counter<long> _receivedBytes;
    private readonly Counter<long> _gaps;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _failed;
    private long _gapCount;
    private long _droppedCount;

    public BackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(RedisStoreStatus.MeterName);
        _published = meter.CreateCounter<long>("roomfacade.redis.backplane.published", "{message}", "Backplane messages this server sent to other servers (one per receiving server).");
        _publishedBytes = meter.CreateCounter<long>("roomfacade.redis.backplane.published_bytes", "By", "Bytes of the backplane messages this server routed (once per message, whatever the number of receivers).");
        _received = meter.CreateCounter<long>("roomfacade.redis.backplane.received", "{message}", "Backplane messages this server received from other servers.");
        _receivedBytes = meter.CreateCounter<long>("roomfacade.redis.backplane.received_bytes", "By", "Bytes of the backplane messages this server received.");
        _gaps = meter.CreateCounter<long>("roomfacade.redis.backplane.gaps", "{message}", "Messages from another server that never arrived (a gap in its sequence: pub/sub is at-most-once).");
        _dropped = meter.CreateCounter<long>("roomfacade.redis.backplane.slow_consumer_drops", "{message}", "Messages not written to a connection because it already had the maximum of pending writes (a slow client).");
        _failed = meter.CreateCounter<long>("roomfacade.redis.backplane.remote_send_failures", "{message}", "Sends whose remote part failed (Redis unreachable): local members still received them.");
    }

    /// <summary>Gaps counted since start (also on the meter).</summary>
    public long Gaps => Interlocked.Read(ref _gapCount);

    /// <summary>Slow-consumer drops since start (also on the meter).</summary>
    public long Dropped => Interlocked.Read(ref _droppedCount);

    public void Published(long receivers, int bytes)
    {
        if (receivers > 0)
        {
            _published.Add(receivers);
        }

        _publishedBytes.Add(bytes);
    }

    public void Received(int bytes)
    {
        _received.Add(1);
        _receivedBytes.Add(bytes);
    }

    public void Gap(long missing)
    {
        Interlocked.Add(ref _gapCount, missing);
        _gaps.Add(missing);
    }

    public void Drop()
    {
        Interlocked.Increment(ref _droppedCount);
        _dropped.Add(1);
    }

    public void RemoteFailed() => _failed.Add(1);
}
