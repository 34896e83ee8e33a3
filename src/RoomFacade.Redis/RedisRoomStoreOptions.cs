using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>
/// Options of the Redis membership index. Bind them from configuration (section <c>RoomFacade:Redis</c> in the example)
/// or set them in code; they are validated at start-up.
/// </summary>
public sealed class RedisRoomStoreOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (for example <c>127.0.0.1:6379</c>). Leave it null to use the
    /// application's own <see cref="IConnectionMultiplexer"/> from dependency injection (which the index never disposes).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The first part of every key and channel, so that several applications can share one Redis (default <c>roomfacade</c>).
    /// 1 to 64 characters, no <c>{</c> or <c>}</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "roomfacade";

    /// <summary>
    /// How long a server may go without a heartbeat before any other server sweeps its connections out of every room
    /// (default 30 s; from 1 s to 1 day). The bound on how long a crashed server's connections stay listed is
    /// <see cref="ServerTimeout"/> + <see cref="SweepInterval"/>.
    /// </summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often this server records its heartbeat and checks that Redis still holds its registration (default: a
    /// third of <see cref="ServerTimeout"/>; at most half of it). When Redis has lost the data, this server re-publishes
    /// its connections at the next heartbeat, so the index is whole again within this interval (sooner after a
    /// reconnection, which triggers a heartbeat at once).
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How often this server looks for dead servers to sweep (default: <see cref="HeartbeatInterval"/>).</summary>
    public TimeSpan? SweepInterval { get; set; }

    /// <summary>
    /// The longest an index operation may take before it fails with a <see cref="RoomStoreException"/> (default 5 s,
    /// from 100 ms to 5 min). When Redis is unreachable, joins, leaves and queries fail within this bound. With
    /// <see cref="Configuration"/> set, the index's own multiplexer enforces it (its <c>AsyncTimeout</c>, which
    /// StackExchange.Redis checks about once a second); with the application's multiplexer, the index bounds each wait itself.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This server's id in the index (default: machine name and a random suffix). Must be unique among live servers; every connection's entry in Redis
    /// carries it, so shorter is cheaper.</summary>
    public string? ServerId { get; set; }

    internal TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? ServerTimeout / 3;

    internal TimeSpan EffectiveSweepInterval => SweepInterval ?? EffectiveHeartbeatInterval;
}
