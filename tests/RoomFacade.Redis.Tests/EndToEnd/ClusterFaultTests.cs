using RoomFacade.Redis.Index;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>
/// A server killed (no shutdown) while the example runs on RoomFacade's backplane over the 3-master Redis Cluster: its
/// connections are swept from every room, it leaves each namespace's server list, and the other servers keep
/// exchanging room messages. (The Redis fault suites stop and restart a redis-server: standalone only.)
/// </summary>
public sealed class ClusterFaultTests(RedisClusterFixture redis) : IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
    private static readonly TimeSpan CrashBound = TimeSpan.FromSeconds(12);
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_killed_servers_connections_are_swept_and_the_others_keep_exchanging_room_messages()
    {
        var cluster = await Track(ScaleOutCluster.StartAsync(redis.ConnectionString, 2, ScaleOutCluster.Backplane("RoomFacade")));
        var doomed = await Track(ChatRoomsProcess.StartAsync([.. ScaleOutCluster.ServerArgs(redis.ConnectionString, cluster.KeyPrefix), .. ScaleOutCluster.Backplane("RoomFacade")]));
        var a = await Track(TestChatClient.ConnectAsync(cluster[0].BaseUrl));
        var b = await Track(TestChatClient.ConnectAsync(cluster[1].BaseUrl));
        var x = await Track(TestChatClient.ConnectAsync(doomed.BaseUrl));
        foreach (var client in new[] { a, b, x })
        {
            await client.InvokeAsync("Subscribe", "lobby");
        }

        await a.InvokeAsync("EmitToRoom", "lobby", "before");
        foreach (var client in new[] { a, b, x })
        {
            Assert.Equal(new ReceivedMessage("lobby", a.Id, "before"), await client.NextMessageAsync());
        }

        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).DefaultTimeout();
        var servers = new RedisKeys(cluster.KeyPrefix).For(string.Empty).Servers;
        Assert.Equal(3, await admin.GetDatabase().SetLengthAsync(servers).DefaultTimeout());

        var deadId = x.Id;
        await doomed.KillAsync();
        var rooms = cluster[0].Rooms;
        await TaskTimeoutExtensions.WaitUntilAsync(
            async () => (await rooms.GetMembersAsync("", "lobby").DefaultTimeout()).Count == 2 && await admin.GetDatabase().SetLengthAsync(servers).DefaultTimeout() == 2,
            CrashBound,
            "the killed server's connection is swept and the server leaves the namespace's server list");
        SetAssert.Equal([a.Id, b.Id], await rooms.GetMembersAsync("", "lobby").DefaultTimeout());
        await Assert.ThrowsAsync<UnknownConnectionException>(() => rooms.GetRoomsOfAsync(deadId).DefaultTimeout());

        await b.InvokeAsync("EmitToRoom", "lobby", "after");
        Assert.Equal(new ReceivedMessage("lobby", b.Id, "after"), await a.NextMessageAsync());
        Assert.Equal(new ReceivedMessage("lobby", b.Id, "after"), await b.NextMessageAsync());
    }

    private async Task<T> Track<T>(Task<T> task)
        where T : IAsyncDisposable
    {
        var value = await task;
        _disposables.Add(value);
        return value;
    }
}
