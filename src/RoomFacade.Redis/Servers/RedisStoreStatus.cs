using System.Diagnostics.Metrics;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// What the maintenance service last achieved (for the health check), and the <c>RoomFacade.Redis</c> meter:
/// sweeps, swept connections, reconciliations.
/// </summary>
internal sealed class RedisStoreStatus
{
    public const string MeterName = "RoomFacade.Redis";

    private readonly TimeProvider _time;
    private readonly Counter<long> _sweeps;
    private readonly Counter<long> _swept;
    private readonly Counter<long> _reconciled;
    private readonly Counter<long> _lost;
    private long _lastHeartbeat;
    private long _lastSweep;

    public RedisStoreStatus(TimeProvider time, IMeterFactory meterFactory)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _sweeps = meter.CreateCounter<long>("roomfacade.redis.sweeps", "{sweep}", "Dead servers swept out of the index by this server.");
        _swept = meter.CreateCounter<long>("roomfacade.redis.swept_connections", "{connection}", "Connections of dead servers removed from every room by this server's sweeps.");
        _reconciled = meter.CreateCounter<long>("roomfacade.redis.reconciliations", "{connection}", "Connections this server re-published or reconciled to its own truth (after data loss or unconfirmed operations).");
        _lost = meter.CreateCounter<long>("roomfacade.redis.registration_lost", "{event}", "Heartbeats that found this server's registration gone (Redis lost data, or this server was swept).");
    }

    public DateTimeOffset? LastHeartbeat => Read(ref _lastHeartbeat);

    public DateTimeOffset? LastSweep => Read(ref _lastSweep);

    public void Heartbeat(bool registrationLost)
    {
        Interlocked.Exchange(ref _lastHeartbeat, _time.GetUtcNow().UtcTicks);
        if (registrationLost)
        {
            _lost.Add(1);
        }
    }

    public void Swept(int servers, int connections)
    {
        Interlocked.Exchange(ref _lastSweep, _time.GetUtcNow().UtcTicks);
        _sweeps.Add(servers);
        _swept.Add(connections);
    }

    public void Reconciled(int connections)
    {
        if (connections > 0)
        {
            _reconciled.Add(connections);
        }
    }

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value == 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }
}
