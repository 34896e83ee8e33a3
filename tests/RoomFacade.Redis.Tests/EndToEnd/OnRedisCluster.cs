using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

// The end-to-end, concurrency and Socket.IO v4 surface suites on a 3-master Redis Cluster, with RoomFacade's backplane only (its
// cluster mode, sharded pub/sub, is what these runs check). The fault suite stays on a standalone redis-server: it
// stops and restarts it, and drops connections through a proxy.

/// <summary><see cref="ScaleOutEndToEndTests"/> on RoomFacade's backplane over a 3-master Redis Cluster.</summary>
public sealed class ScaleOutEndToEndTestsOnCluster(RedisClusterFixture cluster) : ScaleOutEndToEndTests(cluster, "RoomFacade"), IClassFixture<RedisClusterFixture>;

/// <summary><see cref="SocketIoV4TwoServerTests"/> on RoomFacade's backplane over a 3-master Redis Cluster.</summary>
public sealed class SocketIoV4TwoServerTestsOnCluster(RedisClusterFixture cluster) : SocketIoV4TwoServerTests(cluster, "RoomFacade"), IClassFixture<RedisClusterFixture>;

/// <summary><see cref="ScaleOutConcurrencyTests"/> on RoomFacade's backplane over a 3-master Redis Cluster.</summary>
public sealed class ScaleOutConcurrencyTestsOnCluster(RedisClusterFixture cluster) : ScaleOutConcurrencyTests(cluster, "RoomFacade"), IClassFixture<RedisClusterFixture>;
