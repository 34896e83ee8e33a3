namespace RoomFacade.Redis.Tests;

/// <summary>
/// A Redis the tests started, as a suite that runs on both sees it: one redis-server (<see cref="RedisServerFixture"/>)
/// or a 3-master Redis Cluster (<see cref="RedisClusterFixture"/>).
/// </summary>
public interface IRedisTarget
{
    /// <summary>What a RoomFacade server is configured with (on the cluster, the comma-separated node list).</summary>
    string ConnectionString { get; }

    /// <summary>Every master as <c>host:port</c>: one for a redis-server, three for the cluster.</summary>
    IReadOnlyList<string> Masters { get; }

    /// <summary>True for the Redis Cluster (the backplane sends hub messages by sharded pub/sub there).</summary>
    bool IsCluster { get; }
}
