using Microsoft.Extensions.Time.Testing;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// The maintenance service's own loop on a <see cref="FakeTimeProvider"/>: its heartbeat timer, not a test, notices
/// data loss and re-publishes; a connection string's own timeouts are kept.
/// </summary>
public sealed class MaintenanceLoopTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_heartbeat_timer_repairs_lost_data_without_any_reconnection()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var prefix = "loop" + Guid.NewGuid().ToString("N")[..8];
        await using var node = RedisIndexNode.Create(redis.Server.ConnectionString, prefix, o =>
        {
            o.ServerTimeout = TimeSpan.FromSeconds(60);
            o.HeartbeatInterval = Heartbeat;
        }, time: time);
        await node.Maintenance.StartAsync(CancellationToken.None).DefaultTimeout();
        try
        {
            await node.Store.AddConnectionAsync(string.Empty, "n1").DefaultTimeout();
            await node.Store.AddToRoomAsync("n1", "lobby").DefaultTimeout();
            var db = (await node.Connection.GetAsync()).GetDatabase();
            var keys = node.Store.Keys.For(string.Empty);
            await db.KeyDeleteAsync([keys.Room("lobby"), keys.Rooms, keys.Connection("n1"), keys.Marker(node.ServerId)]).DefaultTimeout();
            Assert.Empty(await node.Store.GetMembersAsync(string.Empty, "lobby").DefaultTimeout());

            // Only time moves: each poll advances the fake clock by one heartbeat interval.
            await TaskTimeoutExtensions.WaitUntilAsync(async () =>
            {
                time.Advance(Heartbeat);
                return (await node.Store.GetMembersAsync(string.Empty, "lobby")).Count == 1;
            }, because: "a heartbeat tick re-published the lost connection");
            Assert.True(await db.KeyExistsAsync(keys.Marker(node.ServerId)).DefaultTimeout());
        }
        finally
        {
            await node.Maintenance.StopAsync(CancellationToken.None).DefaultTimeout();
        }
    }

    [Fact]
    public async Task Timeouts_set_in_the_connection_string_are_kept_and_the_index_bounds_its_waits_itself()
    {
        Assert.True(RoomFacade.Redis.Connection.RedisConnection.SetsOwnTimeouts("127.0.0.1:6379, AsyncTimeout=20000"));
        Assert.False(RoomFacade.Redis.Connection.RedisConnection.SetsOwnTimeouts("127.0.0.1:6379,abortConnect=false"));

        await using var own = RedisIndexNode.Create($"{redis.Server.ConnectionString},syncTimeout=12345,asyncTimeout=23456", configure: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var multiplexer = (ConnectionMultiplexer)await own.Connection.GetAsync();
        Assert.Equal(12345, multiplexer.TimeoutMilliseconds);
        Assert.Contains("asyncTimeout=23456", multiplexer.Configuration, StringComparison.OrdinalIgnoreCase);
        Assert.False(own.Connection.EnforcesOperationTimeout);

        await using var plain = RedisIndexNode.Create(redis.Server.ConnectionString, configure: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var defaulted = (ConnectionMultiplexer)await plain.Connection.GetAsync();
        Assert.Equal(2000, defaulted.TimeoutMilliseconds);
        Assert.True(plain.Connection.EnforcesOperationTimeout);
    }
}
