using System.Text.Json;
using Xunit;

namespace RoomFacade.Testing.EndToEnd;

/// <summary>
/// The v4 chat of docs/porting.md (examples/V4Chat), driven by real SignalR clients as the Node original's clients
/// would use it: login counts, messages, typing, channels with member lists, private messages, invite, kick, and the
/// "channel left" / "user left" notices at disconnect. Derived classes run it on one server, and on two servers behind
/// Redis (clients alternate between the servers).
/// </summary>
public abstract class V4ChatTests : IAsyncLifetime
{
    private readonly List<V4ChatClient> _clients = [];

    /// <summary>Base URLs of server A and server B (the same server twice on one server).</summary>
    protected abstract Task<(string UrlA, string UrlB)> StartServersAsync();

    protected abstract Task StopServersAsync();

    private string UrlA { get; set; } = "";

    private string UrlB { get; set; } = "";

    public async Task InitializeAsync() => (UrlA, UrlB) = await StartServersAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await StopServersAsync();
    }

    private async Task<(V4ChatClient Client, long NumUsers)> LoginAsync(string name, bool serverB)
    {
        var (client, numUsers) = await V4ChatClient.LoginAsync(serverB ? UrlB : UrlA, name);
        _clients.Add(client);
        return (client, numUsers);
    }

    private static string Text(JsonElement e, string property) => e.GetProperty(property).GetString()!;

    private static long Number(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    [Fact]
    public async Task Login_reports_the_number_of_users_and_the_others_hear_who_joined()
    {
        var (alice, n1) = await LoginAsync("alice", serverB: false);
        var (bob, n2) = await LoginAsync("bob", serverB: true);
        Assert.Equal(1, n1);
        Assert.Equal(2, n2);

        var joined = await alice.NextAsync("user joined");
        Assert.Equal("bob", Text(joined, "username"));
        Assert.Equal(2, Number(joined, "numUsers"));
        Assert.Empty(await bob.UnreadBeforeMarkerAsync()); // the newcomer does not hear about itself
    }

    [Fact]
    public async Task Messages_and_typing_reach_the_other_users_but_not_the_sender()
    {
        var (alice, _) = await LoginAsync("alice", serverB: false);
        var (bob, _) = await LoginAsync("bob", serverB: true);
        await alice.NextAsync("user joined");

        await bob.InvokeAsync("typing");
        await bob.InvokeAsync("new message", "hello");
        await bob.InvokeAsync("stop typing");

        Assert.Equal("bob", Text(await alice.NextAsync("typing"), "username"));
        var message = await alice.NextAsync("new message");
        Assert.Equal(("bob", "hello"), (Text(message, "username"), Text(message, "message")));
        Assert.Equal("bob", Text(await alice.NextAsync("stop typing"), "username"));
        Assert.Empty(await bob.UnreadBeforeMarkerAsync());
    }

    [Fact]
    public async Task Channels_list_names_and_members_list_usernames_from_every_server()
    {
        var (alice, _) = await LoginAsync("alice", serverB: false);
        var (bob, _) = await LoginAsync("bob", serverB: true);
        Assert.Equal(["alice"], await alice.InvokeAsync<string[]>("join channel", "dev"));
        Assert.Equal(["alice", "bob"], await bob.InvokeAsync<string[]>("join channel", "dev"));
        await bob.InvokeAsync<string[]>("join channel", "random");

        var joined = await alice.NextAsync("channel joined");
        Assert.Equal(("dev", "bob"), (Text(joined, "channel"), Text(joined, "username")));
        Assert.Equal(["dev", "random"], await alice.InvokeAsync<string[]>("channels"));
        Assert.Equal(["alice", "bob"], await alice.InvokeAsync<string[]>("members", "dev"));

        await bob.InvokeAsync("leave channel", "random");
        Assert.Equal(["dev"], await alice.InvokeAsync<string[]>("channels"));
        await bob.InvokeAsync("leave channel", "dev");
        var left = await alice.NextAsync("channel left");
        Assert.Equal(("dev", "bob"), (Text(left, "channel"), Text(left, "username")));
        Assert.Equal(["alice"], await bob.InvokeAsync<string[]>("members", "dev"));
    }

    [Fact]
    public async Task At_disconnect_channel_left_comes_while_in_rooms_and_user_left_counts_without_the_leaver()
    {
        var (alice, _) = await LoginAsync("alice", serverB: false);
        var (bob, _) = await LoginAsync("bob", serverB: true);
        var (carol, _) = await LoginAsync("carol", serverB: false);
        await alice.InvokeAsync<string[]>("join channel", "dev");
        await bob.InvokeAsync<string[]>("join channel", "dev");
        await alice.NextAsync("channel joined");

        await bob.DisposeAsync();

        var channelLeft = await alice.NextAsync("channel left");
        Assert.Equal(("dev", "bob"), (Text(channelLeft, "channel"), Text(channelLeft, "username")));
        foreach (var client in new[] { alice, carol })
        {
            var left = await client.NextAsync("user left");
            Assert.Equal("bob", Text(left, "username"));
            Assert.Equal(2, Number(left, "numUsers")); // 'disconnect': bob has already left every room
        }

        Assert.Equal(["alice"], await alice.InvokeAsync<string[]>("members", "dev"));
        Assert.Equal(["dev"], await carol.InvokeAsync<string[]>("channels"));
    }

    [Fact]
    public async Task Private_messages_invites_and_kicks_reach_a_user_on_any_server()
    {
        var (alice, _) = await LoginAsync("alice", serverB: false);
        var (bob, _) = await LoginAsync("bob", serverB: true);
        await alice.InvokeAsync("private message", "bob", "psst");
        var pm = await bob.NextAsync("private message");
        Assert.Equal(("alice", "psst"), (Text(pm, "from"), Text(pm, "text")));

        await alice.InvokeAsync<string[]>("join channel", "ops");
        await alice.InvokeAsync("invite", "bob", "ops");
        Assert.Equal(["alice", "bob"], await alice.InvokeAsync<string[]>("members", "ops"));

        await alice.InvokeAsync("kick", "bob");
        await bob.Closed.DefaultTimeout();
        Assert.Equal(["alice"], await alice.InvokeAsync<string[]>("members", "ops")); // kick returns once bob is out
        var left = await alice.NextAsync("user left");
        Assert.Equal(("bob", 1L), (Text(left, "username"), Number(left, "numUsers")));
    }
}
