using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoomFacade.Redis.Connection;

/// <summary>
/// The multiplexer of the index: the application's own <see cref="IConnectionMultiplexer"/> when no
/// <see cref="RedisRoomStoreOptions.Configuration"/> is set (never disposed here), otherwise one created, configured
/// to fail fast while Redis is unreachable, and disposed with the application.
/// </summary>
internal sealed class RedisConnection(IOptions<RedisRoomStoreOptions> options, IServiceProvider services) : IAsyncDisposable
{
    private static readonly string[] TimeoutSettings = ["asyncTimeout", "syncTimeout", "connectTimeout"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;
    private bool _owned;
    private bool _enforcesOperationTimeout;
    private bool? _isCluster;

    /// <summary>Raised when a physical connection to Redis is restored.</summary>
    public event Action? Restored;

    public IConnectionMultiplexer? Current => Volatile.Read(ref _multiplexer);

    /// <summary>
    /// Whether the endpoint is a Redis Cluster (the backplane then uses sharded pub/sub); null until a node has been
    /// reached. Known once, then kept: an endpoint does not change between standalone and cluster while it runs.
    /// </summary>
    public bool? IsCluster
    {
        get
        {
            if (_isCluster.HasValue || Current is not { } multiplexer)
            {
                return _isCluster;
            }

            foreach (var server in multiplexer.GetServers())
            {
                if (server.IsConnected)
                {
                    _isCluster = server.ServerType == ServerType.Cluster;
                    return _isCluster;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// True when StackExchange.Redis bounds every command by <see cref="RedisRoomStoreOptions.OperationTimeout"/> (the
    /// index's own multiplexer, whose configuration string set no timeout of its own), so the index needs no timer per
    /// operation. Otherwise the operation runner bounds each wait itself.
    /// </summary>
    public bool EnforcesOperationTimeout => _enforcesOperationTimeout;

    /// <summary>
    /// Whether a StackExchange.Redis configuration string sets a timeout itself (<c>asyncTimeout</c>, <c>syncTimeout</c>
    /// or <c>connectTimeout</c>): those are respected, never overridden.
    /// </summary>
    public static bool SetsOwnTimeouts(string configuration)
        => configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(part => TimeoutSettings.Any(setting => part.StartsWith(setting + "=", StringComparison.OrdinalIgnoreCase)));

    public async ValueTask<IConnectionMultiplexer> GetAsync()
    {
        if (_multiplexer is { } existing)
        {
            return existing;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_multiplexer is not null)
            {
                return _multiplexer;
            }

            var o = options.Value;
            IConnectionMultiplexer multiplexer;
            if (string.IsNullOrWhiteSpace(o.Configuration))
            {
                multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
            }
            else
            {
                var config = ConfigurationOptions.Parse(o.Configuration);
                config.AbortOnConnectFail = false;
                config.BacklogPolicy = BacklogPolicy.FailFast;
                if (!SetsOwnTimeouts(o.Configuration))
                {
                    var timeoutMs = (int)Math.Clamp(o.OperationTimeout.TotalMilliseconds, 100, int.MaxValue);
                    config.ConnectTimeout = timeoutMs;
                    config.AsyncTimeout = timeoutMs;
                    config.SyncTimeout = timeoutMs;
                    _enforcesOperationTimeout = true;
                }

                config.ReconnectRetryPolicy = new LinearRetry(500);

                // Replies are read and completed on .NET's thread pool, not on StackExchange.Redis's dedicated reader
                // threads: one thread hand-off less per command, which measured ~150 µs per awaited read on a 2-core
                // machine (docs/query-latency.md). An application whose thread pool starves (sync over async) passes its
                // own multiplexer instead.
                config.SocketManager = SocketManager.ThreadPool;
                config.ClientName ??= "roomfacade";
                multiplexer = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
                _owned = true;
            }

            multiplexer.ConnectionRestored += (_, _) => Restored?.Invoke();
            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned && _multiplexer is not null)
        {
            await _multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
