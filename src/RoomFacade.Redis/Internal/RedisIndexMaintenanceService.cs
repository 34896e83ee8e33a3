using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// Keeps the Redis index true over time: heartbeats this server, re-publishes its connections when Redis lost them,
/// reconciles operations whose outcome Redis could not confirm, sweeps dead servers, and removes this server's
/// connections on graceful shutdown.
/// </summary>
internal sealed partial class RedisIndexMaintenanceService(
    RedisRoomMembershipStore store,
    RedisConnection connection,
    IOptions<RedisRoomStoreOptions> options,
    TimeProvider timeProvider,
    RedisIndexStatus status,
    ILogger<RedisIndexMaintenanceService> logger) : BackgroundService
{
    private readonly RedisRoomStoreOptions _options = options.Value;
    private ChannelMessageQueue? _subscription;
    private bool _republishNextBeat;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        connection.Restored += store.RequestReconcile;
        try
        {
            await EnsureSubscribedAsync().ConfigureAwait(false);
            status.Heartbeat(await store.HeartbeatAsync(cancellationToken).ConfigureAwait(false));
            LogStarted(logger, store.ServerId, _options.ServerTimeout, _options.EffectiveHeartbeatInterval);
        }
        catch (Exception ex) when (ex is RedisException or RoomIndexException or TimeoutException)
        {
            // Start anyway: operations fail fast until Redis answers; the heartbeats then subscribe and re-publish.
            LogUnavailableAtStart(logger, ex);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var beat = _options.EffectiveHeartbeatInterval;
        var sweepEvery = _options.EffectiveSweepInterval;
        var lastSweep = timeProvider.GetTimestamp();
        using var timer = new PeriodicTimer(beat, timeProvider);
        Task<bool>? tick = null;
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            wake ??= store.ReconcileSignal.WaitAsync(stoppingToken);
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
                    var (servers, connections) = await store.SweepAsync(stoppingToken).ConfigureAwait(false);
                    status.Swept(servers, connections);
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

    /// <summary>
    /// Subscribes this server's channel (requests from other servers about its connections, and answers to its own
    /// requests), unless subscribed already. Retried at every heartbeat until it succeeds: a server that started while
    /// Redis was unreachable would otherwise never hear other servers' requests (they would time out).
    /// </summary>
    private async Task EnsureSubscribedAsync()
    {
        if (_subscription is not null)
        {
            return;
        }

        var multiplexer = await connection.GetAsync().AsTask().WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        var subscribing = multiplexer.GetSubscriber().SubscribeAsync(store.Keys.ServerChannel(store.ServerId));
        try
        {
            var subscription = await subscribing.WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
            subscription.OnMessage(message => store.OnServerMessageAsync(message.Message));
            _subscription = subscription;
        }
        catch (TimeoutException)
        {
            // Should the subscription complete after all, drop it: the next heartbeat subscribes again, and a queue
            // nobody reads would keep every message.
            _ = subscribing.ContinueWith(static t => t.Result.Unsubscribe(CommandFlags.FireAndForget), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>One heartbeat: subscribe if not yet done, register, re-publish when Redis had lost this server, reconcile what is pending.</summary>
    internal async Task BeatAsync(CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync().ConfigureAwait(false);
        var lost = await store.HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        status.Heartbeat(lost);
        if ((lost || _republishNextBeat) && store.LocalConnectionCount > 0)
        {
            // Re-publish once more at the next beat too: a sweep that was in flight may have removed part of this one.
            _republishNextBeat = lost;
            var count = await store.RepublishAllAsync(cancellationToken).ConfigureAwait(false);
            status.Reconciled(count);
            LogRepublished(logger, count);
        }

        status.Reconciled(await store.ReconcileAsync(cancellationToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        connection.Restored -= store.RequestReconcile;
        try
        {
            await store.UnregisterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RoomIndexException or OperationCanceledException)
        {
            LogUnregisterFailed(logger, ex);
        }

        if (_subscription is not null)
        {
            try
            {
                await _subscription.UnsubscribeAsync().WaitAsync(_options.OperationTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogUnregisterFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Redis room index started as server {ServerId} (server timeout {ServerTimeout}, heartbeat every {Heartbeat}).")]
    private static partial void LogStarted(ILogger logger, string serverId, TimeSpan serverTimeout, TimeSpan heartbeat);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Redis is unreachable at start-up; room index operations fail fast until it answers.")]
    private static partial void LogUnavailableAtStart(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Redis room index maintenance failed; it is retried at the next heartbeat.")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Redis had lost this server's registration: re-published {Count} connection(s).")]
    private static partial void LogRepublished(ILogger logger, int count);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Removing this server's connections from the Redis room index at shutdown failed; other servers will sweep them after ServerTimeout.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception);
}
