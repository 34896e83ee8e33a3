using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using RoomFacade.Stores;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// Keeps the Redis index true over time: subscribes this server's channel (and keeps trying until it is), heartbeats,
/// has the local truth re-published when Redis no longer holds it, reconciles operations whose outcome Redis could not
/// confirm, sweeps dead servers, and removes this server's connections on graceful shutdown.
/// </summary>
internal sealed partial class RedisStoreMaintenanceService(
    RedisRoomMembershipStore store,
    ServerRegistry registry,
    ServerChannel channel,
    RedisConnection connection,
    IOptions<RedisRoomStoreOptions> options,
    TimeProvider timeProvider,
    RedisStoreStatus status,
    ILogger<RedisStoreMaintenanceService> logger,
    ISweptConnectionSink? sweptConnections = null,
    IServerSetObserver? serverSet = null) : BackgroundService
{
    /// <summary>How long start-up waits for the first heartbeat before the application goes on starting (Kestrel listens).</summary>
    internal static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(1);

    private readonly RedisRoomStoreOptions _options = options.Value;
    private Task? _firstBeat;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        connection.Restored += store.Truth.RequestReconcile;

        // Register and subscribe before the server listens when Redis answers at once; when it does not (down, slow),
        // start anyway after StartupWait: operations fail fast until Redis answers, the heartbeats then catch up.
        // On the thread pool: connecting the multiplexer can block its caller for part of the connect timeout.
        _firstBeat = Task.Run(() => FirstBeatAsync(cancellationToken), CancellationToken.None);
        await Task.WhenAny(_firstBeat, Task.Delay(StartupWait, timeProvider, cancellationToken)).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FirstBeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(_options.OperationTimeout);
            await BeatAsync(bound.Token).ConfigureAwait(false);
            LogStarted(logger, store.ServerId, _options.ServerTimeout, _options.EffectiveHeartbeatInterval);
        }
        catch (Exception ex)
        {
            LogUnavailableAtStart(logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_firstBeat is { } first)
        {
            await first.ConfigureAwait(false); // never two heartbeats at once
        }

        var sweepEvery = _options.EffectiveSweepInterval;
        var lastSweep = timeProvider.GetTimestamp();
        using var timer = new PeriodicTimer(_options.EffectiveHeartbeatInterval, timeProvider);
        Task<bool>? tick = null;
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            wake ??= store.Truth.ReconcileSignal.WaitAsync(stoppingToken);
            var fired = await Task.WhenAny(tick, wake).ConfigureAwait(false);
            if (fired.IsCanceled || stoppingToken.IsCancellationRequested)
            {
                break;
            }

            var wasWake = fired == wake;
            if (wasWake)
            {
                wake = null;
            }
            else
            {
                if (!await tick.ConfigureAwait(false))
                {
                    break;
                }

                tick = null;
            }

            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
                if (!wasWake && timeProvider.GetElapsedTime(lastSweep) >= sweepEvery - TimeSpan.FromMilliseconds(1))
                {
                    lastSweep = timeProvider.GetTimestamp();
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogMaintenanceFailed(logger, ex);
            }
        }
    }

    /// <summary>One heartbeat: subscribe if not yet done, register and check the markers, re-publish if needed, reconcile.</summary>
    internal async Task BeatAsync(CancellationToken cancellationToken)
    {
        await channel.EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        var beat = await registry.BeatAsync(store.Truth, cancellationToken).ConfigureAwait(false);
        status.Heartbeat(beat.RegistrationLost);
        status.Reconciled(beat.Republished);
        status.Reconciled(await store.Truth.ReconcileAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One sweep of dead servers.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var swept = await registry.SweepAsync(cancellationToken).ConfigureAwait(false);
        status.Swept(swept.Count, swept.Sum(s => s.Result.Connections.Count));
        if (serverSet is not null)
        {
            // Whoever swept a dead server, every server learns here that it is gone (one ZRANGE per sweep interval).
            var registered = await registry.GetServersAsync(cancellationToken).ConfigureAwait(false);
            serverSet.OnRegisteredServers([.. registered.Select(s => s.Id)], _options.ServerTimeout);
        }

        if (sweptConnections is not null)
        {
            foreach (var (_, result) in swept)
            {
                await RaiseSweptAsync(sweptConnections, result, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The room events of swept connections, fired here (the sweep script reports each connection to exactly one sweeper):
    /// every leave of a namespace first, its deleted rooms with the last connection of that namespace.
    /// </summary>
    private static async Task RaiseSweptAsync(ISweptConnectionSink sink, SweepResult result, CancellationToken cancellationToken)
    {
        foreach (var byNamespace in result.Connections.GroupBy(c => c.Namespace, StringComparer.Ordinal))
        {
            var connections = byNamespace.ToArray();
            var deleted = result.DeletedRooms.Where(d => d.Namespace == byNamespace.Key).Select(d => d.Room).ToArray();
            for (var i = 0; i < connections.Length; i++)
            {
                var c = connections[i];
                var removal = new ConnectionRemoval(c.Namespace, c.Rooms, i == connections.Length - 1 ? deleted : []) { Attributes = c.Attributes };
                await sink.ConnectionSweptAsync(c.ConnectionId, removal, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        connection.Restored -= store.Truth.RequestReconcile;
        try
        {
            await store.UnregisterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RoomStoreException or OperationCanceledException)
        {
            LogUnregisterFailed(logger, ex);
        }

        try
        {
            await channel.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnregisterFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Redis room index started as server {ServerId} (server timeout {ServerTimeout}, heartbeat every {Heartbeat}).")]
    private static partial void LogStarted(ILogger logger, string serverId, TimeSpan serverTimeout, TimeSpan heartbeat);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Redis is unreachable at start-up; room index operations fail fast until it answers.")]
    private static partial void LogUnavailableAtStart(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Redis room index maintenance failed; it is retried at the next heartbeat.")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Removing this server's connections from the Redis room index at shutdown failed; other servers will sweep them after ServerTimeout.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
