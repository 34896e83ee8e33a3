using ChatRooms;
using RoomFacade.Redis.Tests.EndToEnd;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>What the v4 queries cost Redis, read from Redis's own command statistics (INFO commandstats).</summary>
public sealed class RedisQueryCostTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static async Task<long> CallsAsync(IConnectionMultiplexer admin, string command)
    {
        var info = await admin.GetServer(admin.GetEndPoints()[0]).InfoRawAsync("commandstats").DefaultTimeout() ?? "";
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Count_is_one_SCARD_and_socket_data_is_read_locally_on_the_holding_server()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(redis.Server, 2);
        await using var admin = await redis.Server.ConnectAsync();
        await using var a = await TestChatClient.ConnectAsync(cluster[0].BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(cluster[1].BaseUrl);
        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("Subscribe", "lobby");
        var holder = await cluster[0].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
        await holder.SetDataAsync(new { name = "alice" }).DefaultTimeout();

        var scard = await CallsAsync(admin, "scard");
        var smembers = await CallsAsync(admin, "smembers");
        Assert.Equal(2, await cluster[1].Rooms.Sockets.CountAsync("lobby").DefaultTimeout());
        Assert.Equal(scard + 1, await CallsAsync(admin, "scard"));
        Assert.Equal(smembers, await CallsAsync(admin, "smembers"));

        var hgetall = await CallsAsync(admin, "hgetall");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("alice", (await holder.GetDataAsync<Dictionary<string, string>>().DefaultTimeout())!["name"]);
        }

        Assert.Equal(hgetall, await CallsAsync(admin, "hgetall")); // the holding server answers from its own truth

        // Another server reads the index, and sees the same data (writes reach Redis).
        var elsewhere = await cluster[1].Rooms.GetSocketAsync(a.Id).DefaultTimeout();
        Assert.Equal("alice", (await elsewhere.GetDataAsync<Dictionary<string, string>>().DefaultTimeout())!["name"]);
        Assert.Equal(hgetall + 1, await CallsAsync(admin, "hgetall"));
        var fetched = await cluster[1].Rooms.Sockets.In("lobby").FetchSocketsAsync().DefaultTimeout();
        Assert.Equal("alice", fetched.Single(s => s.Id == a.Id).GetData<Dictionary<string, string>>()!["name"]);
    }
}
