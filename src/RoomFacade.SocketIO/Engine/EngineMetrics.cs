using System.Diagnostics.Metrics;

namespace RoomFacade.SocketIO.Engine;

/// <summary>The instruments of the <c>RoomFacade.SocketIO</c> meter.</summary>
internal sealed class EngineMetrics
{
    /// <summary>The meter name: the package name.</summary>
    public const string MeterName = "RoomFacade.SocketIO";

    private readonly UpDownCounter<long> _sessions;
    private readonly Counter<long> _slowClientCloses;

    public EngineMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sessions = meter.CreateUpDownCounter<long>("roomfacade.socketio.sessions", "{session}", "Engine.IO sessions open on this server.");
        _slowClientCloses = meter.CreateCounter<long>("roomfacade.socketio.slow_client_closes", "{session}", "Sessions closed because their outgoing queue reached SocketIOOptions.MaxBufferedPackets (a client that stopped reading).");
    }

    public void SessionOpened() => _sessions.Add(1);

    public void SessionClosed() => _sessions.Add(-1);

    public void SlowClientClosed() => _slowClientCloses.Add(1);
}
