using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// <see cref="BackplaneBehaviourTests"/> on a redis-server, plus the tests that stay standalone-only: one stops its own
/// redis-server (Redis down), the other needs no Redis at all (nothing listens on the endpoint).
/// </summary>
public sealed class BackplaneBehaviourTestsOnRedis(RedisServerFixture redis) : BackplaneBehaviourTests(redis), IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ErrorFromConnectionFactoryLogsAndAllowsDisconnect()
    {
        await using var node = await BackplaneNode.StartAsync("127.0.0.1:1,connectTimeout=200", Prefix, operationTimeout: TimeSpan.FromMilliseconds(500));
        var connection = new TestConnection();
        var connect = node.Manager.OnConnectedAsync(connection.Context);
        await Assert.ThrowsAsync<RoomStoreException>(() => connect.DefaultTimeout(TimeSpan.FromSeconds(5)));
        await node.Manager.OnDisconnectedAsync(connection.Context).DefaultTimeout();
    }

    [Fact]
    public async Task RedisDownKeepsLocalDeliveryAndRemoteSendsDoNotThrow()
    {
        await using var server = await RedisServer.StartAsync();
        await using var a = await BackplaneNode.StartAsync(server.ConnectionString, Prefix, operationTimeout: TimeSpan.FromSeconds(1));
        var local = await a.ConnectAsync();
        await a.Manager.AddToGroupAsync(local.Id, "room").DefaultTimeout();
        await server.StopAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await a.Manager.SendGroupAsync("room", "Hello", ["World"]).DefaultTimeout();
        await a.Manager.SendConnectionAsync("remote-id", "Hello", ["World"]).DefaultTimeout();
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"Sends took {started.Elapsed} while Redis was down.");
        await AssertReceivesAsync(local, "Hello", "World");
    }
}
