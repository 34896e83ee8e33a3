using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

// The backplane suites, each run on a redis-server and on a 3-master Redis Cluster (same test names). The standalone
// behaviour class, with its standalone-only tests, is BackplaneBehaviourTestsOnRedis.

/// <summary><see cref="BackplaneBehaviourTests"/> on a 3-master Redis Cluster.</summary>
public sealed class BackplaneBehaviourTestsOnCluster(RedisClusterFixture cluster) : BackplaneBehaviourTests(cluster), IClassFixture<RedisClusterFixture>;

/// <summary><see cref="HubLifetimeManagerSpecificationTests"/> on a redis-server.</summary>
public sealed class HubLifetimeManagerSpecificationTestsOnRedis(RedisServerFixture redis) : HubLifetimeManagerSpecificationTests(redis), IClassFixture<RedisServerFixture>;

/// <summary><see cref="HubLifetimeManagerSpecificationTests"/> on a 3-master Redis Cluster.</summary>
public sealed class HubLifetimeManagerSpecificationTestsOnCluster(RedisClusterFixture cluster) : HubLifetimeManagerSpecificationTests(cluster), IClassFixture<RedisClusterFixture>;

/// <summary><see cref="ScaleoutHubLifetimeManagerSpecificationTests"/> on a redis-server.</summary>
public sealed class ScaleoutHubLifetimeManagerSpecificationTestsOnRedis(RedisServerFixture redis) : ScaleoutHubLifetimeManagerSpecificationTests(redis), IClassFixture<RedisServerFixture>;

/// <summary><see cref="ScaleoutHubLifetimeManagerSpecificationTests"/> on a 3-master Redis Cluster.</summary>
public sealed class ScaleoutHubLifetimeManagerSpecificationTestsOnCluster(RedisClusterFixture cluster) : ScaleoutHubLifetimeManagerSpecificationTests(cluster), IClassFixture<RedisClusterFixture>;
