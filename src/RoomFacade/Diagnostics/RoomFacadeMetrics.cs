using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RoomFacade.Diagnostics;

/// <summary>
/// The instruments of the <c>RoomFacade</c> meter. Names and units follow OpenTelemetry's conventions; each
/// measurement is tagged with the namespace (<c>roomfacade.namespace</c>) or the index operation
/// (<c>roomfacade.operation</c>) where that applies.
/// </summary>
internal sealed class RoomFacadeMetrics
{
    /// <summary>The meter name: the package name.</summary>
    public const string MeterName = "RoomFacade";

    private readonly Counter<long> _joins;
    private readonly Counter<long> _leaves;
    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _errors;

    public RoomFacadeMetrics(IMeterFactory meterFactory, Func<RoomIndexCounts?> counts)
    {
        var meter = meterFactory.Create(MeterName);
        _joins = meter.CreateCounter<long>("roomfacade.joins", "{join}", "Connections that joined a room (duplicates not counted).");
        _leaves = meter.CreateCounter<long>("roomfacade.leaves", "{leave}", "Connections that left a room by a leave (disconnects are counted by roomfacade.connections).");
        _connections = meter.CreateUpDownCounter<long>("roomfacade.connections", "{connection}", "Connections of registered hubs on this server.");
        _operationDuration = meter.CreateHistogram<double>("roomfacade.store.operation.duration", "s", "Duration of membership index operations.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _errors = meter.CreateCounter<long>("roomfacade.store.errors", "{error}", "Membership index operations that failed.");
        meter.CreateObservableGauge("roomfacade.rooms", () => Observe(counts, c => c.Rooms), "{room}", "Non-empty rooms in the index, catch-all rooms included (stores that count cheaply: the in-memory store).");
        meter.CreateObservableGauge("roomfacade.memberships", () => Observe(counts, c => c.Memberships), "{membership}", "Connection-room pairs in the index, catch-all included (stores that count cheaply: the in-memory store).");
    }

    public void Joined(string @namespace) => _joins.Add(1, new KeyValuePair<string, object?>("roomfacade.namespace", @namespace));

    public void Left(string @namespace) => _leaves.Add(1, new KeyValuePair<string, object?>("roomfacade.namespace", @namespace));

    private static IEnumerable<Measurement<long>> Observe(Func<RoomIndexCounts?> counts, Func<RoomIndexCounts, long> pick)
        => counts() is { } c ? [new Measurement<long>(pick(c))] : [];

    public void Connected(string @namespace) => _connections.Add(1, new KeyValuePair<string, object?>("roomfacade.namespace", @namespace));

    public void Disconnected(string @namespace) => _connections.Add(-1, new KeyValuePair<string, object?>("roomfacade.namespace", @namespace));

    public void Operation(string operation, long startTimestamp, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("roomfacade.operation", operation);
        _operationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag, new KeyValuePair<string, object?>("error.type", failed ? "failed" : null));
        if (failed)
        {
            _errors.Add(1, tag);
        }
    }
}

/// <summary>Counts a store can give cheaply (the in-memory store keeps them as it goes).</summary>
internal readonly record struct RoomIndexCounts(long Rooms, long Memberships);

/// <summary>Implemented by stores that can count rooms and memberships without scanning.</summary>
internal interface IRoomIndexCounter
{
    RoomIndexCounts GetCounts();
}
