using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>The shared store conformance suite, unchanged, against a real standalone Redis.</summary>
public sealed class RedisConformanceTests(RedisServerFixture redis) : RedisStoreConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}
