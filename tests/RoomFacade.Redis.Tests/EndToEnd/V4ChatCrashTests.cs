using RoomFacade.Testing;
using V4Chat;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>
/// The v4 chat when a server crashes (SIGKILL: its hubs never run OnDisconnectedAsync): the server that sweeps the dead
/// server's connections fires their room events with reason Sweep and their data, and the chat's event handler turns
/// them into the "channel left" / "user left" notices the remaining users would have got from a clean disconnect.
/// </summary>
public sealed class V4ChatCrashTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    // ServerTimeout (3 s) + sweep interval (0.5 s) + slack for a loaded 2-core machine.
    private static readonly TimeSpan CrashBound = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Users_of_a_crashed_server_are_announced_as_left_once_with_their_name_and_the_right_count()
    {
        var prefix = "v4crash" + Guid.NewGuid().ToString("N")[..10];
        var args = ScaleOutCluster.ServerArgs(redis.Server, prefix);
        await using var survivor = await TestServer.StartAsync(a => V4ChatApp.Create(a), args);
        await using var survivor2 = await TestServer.StartAsync(a => V4ChatApp.Create(a), args);
        await using var doomed = await ChatRoomsProcess.StartAppAsync("V4Chat.dll", args);

        var (alice, _) = await V4ChatClient.LoginAsync(survivor.BaseUrl, "alice");
        await using var _a = alice;
        var (carol, _) = await V4ChatClient.LoginAsync(survivor2.BaseUrl, "carol");
        await using var _c = carol;
        var (bob, numUsers) = await V4ChatClient.LoginAsync(doomed.BaseUrl, "bob");
        await using var _b = bob;
        Assert.Equal(3, numUsers);
        await alice.InvokeAsync<string[]>("join channel", "dev");
        await bob.InvokeAsync<string[]>("join channel", "dev");
        await bob.InvokeAsync<string[]>("join channel", "bobs-own");
        Assert.Equal(["bobs-own", "dev"], await alice.InvokeAsync<string[]>("channels"));
        Assert.Equal("carol", (await alice.NextAsync("user joined")).GetProperty("username").GetString());
        Assert.Equal("bob", (await alice.NextAsync("user joined")).GetProperty("username").GetString());
        Assert.Equal("bob", (await carol.NextAsync("user joined")).GetProperty("username").GetString());
        Assert.Equal("bob", (await alice.NextAsync("channel joined")).GetProperty("username").GetString());

        await doomed.KillAsync();

        var channelLeft = await alice.NextAsync("channel left", CrashBound);
        Assert.Equal(("dev", "bob"), (channelLeft.GetProperty("channel").GetString(), channelLeft.GetProperty("username").GetString()));
        foreach (var client in new[] { alice, carol })
        {
            var left = await client.NextAsync("user left", CrashBound);
            Assert.Equal("bob", left.GetProperty("username").GetString());
            Assert.Equal(2, left.GetProperty("numUsers").GetInt64());
        }

        Assert.Equal(["alice"], await alice.InvokeAsync<string[]>("members", "dev"));
        Assert.Equal(["dev"], await carol.InvokeAsync<string[]>("channels"));

        // Fired once in the cluster: two survivors, but each hears "user left" once (the next event is the marker).
        Assert.Equal([], await alice.UnreadBeforeMarkerAsync());
        Assert.Equal([], await carol.UnreadBeforeMarkerAsync());
    }
}
