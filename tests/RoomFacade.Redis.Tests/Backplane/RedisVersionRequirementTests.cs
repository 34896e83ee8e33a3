using System.Net;
using RoomFacade.Redis.Backplane;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>The backplane's Redis version check: an older server is named, with its version and the way out.</summary>
public sealed class RedisVersionRequirementTests
{
    [Fact]
    public void A_Redis_older_than_7_is_refused_with_its_address_version_and_the_alternative()
    {
        var problem = RedisVersionRequirement.Problem(new Version(6, 2, 14), new DnsEndPoint("127.0.0.1", 6379));
        Assert.NotNull(problem);
        Assert.Contains("7.0 or later", problem, StringComparison.Ordinal);
        Assert.Contains("6.2.14", problem, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", problem, StringComparison.Ordinal);
        Assert.Contains("AddStackExchangeRedis", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 0, 0)]
    [InlineData(7, 0, 15)]
    [InlineData(7, 4, 2)]
    [InlineData(8, 0, 0)]
    public void Redis_7_and_later_is_accepted(int major, int minor, int patch)
        => Assert.Null(RedisVersionRequirement.Problem(new Version(major, minor, patch), new IPEndPoint(IPAddress.Loopback, 6379)));
}
