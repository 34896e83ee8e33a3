using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// A Redis that accepts commands but does not answer (<c>CLIENT PAUSE</c>): every index operation must still fail
/// within <see cref="RedisRoomStoreOptions.OperationTimeout"/> (plus StackExchange.Redis's once-a-second timeout check),
/// whether the index owns its multiplexer or uses the application's, and the index must converge once Redis answers.
/// Its own redis-server, because pausing it would stall other tests.
/// </summary>
public sealed class RedisStoreTimeoutTests : IAsyncLifetime
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    // OperationTimeout + the multiplexer's timeout check (about once a second) + slack for a loaded machine.
    private static readonly TimeSpan FailBound = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(7);

    private RedisServer _redis = null!;
    private ConnectionMultiplexer _admin = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _admin = await _redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_join_against_an_unresponsive_Redis_fails_within_the_operation_timeout_and_the_index_converges_after(bool ownMultiplexer)
    {
        // The application's multiplexer waits far longer than OperationTimeout on its own.
        await using var shared = ownMultiplexer ? null : await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},asyncTimeout=60000,syncTimeout=60000").DefaultTimeout();
        var (store, connection) = RedisIndexNode.Create(ownMultiplexer ? _redis.ConnectionString : null, configure: o => o.OperationTimeout = OperationTimeout, shared: shared);
        await using var _ = connection;
        await store.AddConnectionAsync("", "a").DefaultTimeout();
        await store.AddToRoomAsync("a", "kept").DefaultTimeout();

        // Paused for longer than FailBound; both operations start at once, so each must fail on its own timeout.
        await _admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", ((int)Pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL").DefaultTimeout();
        var joining = Assert.ThrowsAsync<RoomStoreException>(() => store.AddToRoomAsync("a", "lost").DefaultTimeout(FailBound));
        var querying = Assert.ThrowsAsync<RoomStoreException>(() => store.GetMembersAsync("", "kept").DefaultTimeout(FailBound));
        var join = await joining;
        var query = await querying;

        Assert.Contains("OperationTimeout", join.Message);
        Assert.Contains("OperationTimeout", query.Message);

        // The paused join may still run once Redis answers (the pause ends on its own: CLIENT UNPAUSE would queue behind
        // it on a busy connection); reconciling puts Redis back to this server's truth once Redis answers again.
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () =>
            {
                try
                {
                    await store.Truth.ReconcileAsync(CancellationToken.None).DefaultTimeout();
                    return true;
                }
                catch (RoomStoreException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the store reconciles once Redis answers again");
        Assert.Equal(["", "kept"], (await store.GetRoomsOfConnectionAsync("a").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Empty(await store.GetMembersAsync("", "lost").DefaultTimeout());
        Assert.Equal(["a"], await store.GetMembersAsync("", "kept").DefaultTimeout());
    }
}
