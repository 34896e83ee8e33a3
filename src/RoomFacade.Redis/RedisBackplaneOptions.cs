namespace RoomFacade.Redis;

/// <summary>Options of RoomFacade's Redis backplane (<c>AddRedisBackplane()</c>).</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>The default of <see cref="MaxPendingWritesPerConnection"/>.</summary>
    public const int DefaultMaxPendingWritesPerConnection = 1_000;

    /// <summary>
    /// How many messages may wait to be written to one connection (a slow client, a transport applying backpressure)
    /// before further messages to it are dropped and counted (<c>roomfacade.redis.backplane.slow_consumer_drops</c>).
    /// Other connections are never held up by a slow one. Default <see cref="DefaultMaxPendingWritesPerConnection"/>;
    /// allowed 1 to 1,000,000.
    /// </summary>
    public int MaxPendingWritesPerConnection { get; set; } = DefaultMaxPendingWritesPerConnection;
}
