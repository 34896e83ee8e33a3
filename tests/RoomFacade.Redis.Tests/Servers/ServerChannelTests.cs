using System.Diagnostics;
using RoomFacade.Stores;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Servers;

/// <summary>
/// The server channel with two index nodes on one real Redis: requests never queue behind each other, every request is
/// answered (an error included), messages of another version or kind are ignored, and changes to a connection held by
/// another server are made by that server.
/// </summary>
public sealed class ServerChannelTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(2);
    private readonly string _prefix = "chan" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_request_waiting_for_a_busy_connection_does_not_hold_up_the_answers_to_this_servers_own_requests()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        await a.Store.AddConnectionAsync(string.Empty, "a1").DefaultTimeout();
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();

        // b1 is busy (as during a slow join on B): A's request about it waits on B...
        Assert.True(b.Truth.TryGet("b1", out var busy));
        await busy.Gate.WaitAsync().DefaultTimeout();
        try
        {
            var waiting = a.Store.SetConnectionAttributeAsync("b1", "user", "bob");

            // ... while B's own request to A is answered at once, through the same channel.
            var clock = Stopwatch.StartNew();
            Assert.Equal(MembershipChange.RoomCreated, await b.Store.AddToRoomAsync("a1", "lobby").DefaultTimeout());
            Assert.True(clock.Elapsed < OperationTimeout, $"B's request took {clock.Elapsed}");
            Assert.False(waiting.IsCompleted);
            busy.Gate.Release();
            Assert.True(await waiting.DefaultTimeout());
        }
        finally
        {
            if (busy.Gate.CurrentCount == 0)
            {
                busy.Gate.Release();
            }
        }
    }

    [Fact]
    public async Task A_server_whose_channel_is_not_subscribed_yet_subscribes_before_it_asks_so_the_answer_reaches_it()
    {
        // A server starts listening after StartupWait even when its first heartbeat (which subscribes) has not finished:
        // a request it sends then is answered on its own channel, which must be subscribed by the time the answer comes.
        await using var a = RedisIndexNode.Create(redis.Server.ConnectionString, _prefix, o => o.OperationTimeout = OperationTimeout);
        await using var b = await NodeAsync();
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();
        Assert.False(a.Channel.IsSubscribed);

        var clock = Stopwatch.StartNew();
        Assert.Equal(MembershipChange.RoomCreated, await a.Store.AddToRoomAsync("b1", "lobby").DefaultTimeout());
        Assert.True(clock.Elapsed < OperationTimeout, $"the answer took {clock.Elapsed}");
        Assert.True(a.Channel.IsSubscribed);
    }

    [Fact]
    public async Task A_handler_that_throws_is_answered_with_an_error_at_once_not_after_the_timeout()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();
        b.Channel.Handle(ServerMessageKind.Disconnect, (_, _) => throw new ObjectDisposedException("LocalConnections"));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RoomStoreException>(() => a.Store.DisconnectRemoteAsync("b1", CancellationToken.None)).DefaultTimeout();
        Assert.True(clock.Elapsed < OperationTimeout, $"the error answer took {clock.Elapsed}");
        Assert.Contains("could not carry out the request", error.Message, StringComparison.Ordinal);
        Assert.Contains(b.ServerId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_of_another_version_or_an_unknown_kind_are_ignored_and_the_channel_keeps_working()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();
        var multiplexer = await a.Connection.GetAsync();
        var channel = a.Store.Keys.ServerChannel(b.ServerId);
        foreach (var junk in new[] { "RF9j1:x", "RF1Z2:id1:a", "RF1j999:x", "hello", string.Empty })
        {
            Assert.Equal(1, await multiplexer.GetSubscriber().PublishAsync(channel, junk).DefaultTimeout());
        }

        Assert.Equal(MembershipChange.RoomCreated, await a.Store.AddToRoomAsync("b1", "lobby").DefaultTimeout());
        Assert.Equal(["b1"], await a.Store.GetMembersAsync(string.Empty, "lobby").DefaultTimeout());
    }

    [Fact]
    public async Task An_attribute_set_from_another_server_is_made_by_the_holder_so_its_republish_keeps_it()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();
        await b.Store.AddConnectionAsync(string.Empty, "b1").DefaultTimeout();

        Assert.True(await a.Store.SetConnectionAttributeAsync("b1", "data", "{\"n\":1}").DefaultTimeout());

        // The holder's truth has it when the call returns (no notification still on its way)...
        Assert.True(b.Truth.TryGet("b1", out var held));
        Assert.Equal("{\"n\":1}", held.Attributes?["data"]);

        // ... so a re-publish after data loss writes it back.
        var multiplexer = await b.Connection.GetAsync();
        await multiplexer.GetDatabase().KeyDeleteAsync(b.Store.Keys.For(string.Empty).Attributes("b1")).DefaultTimeout();
        await multiplexer.GetDatabase().KeyDeleteAsync(b.Store.Keys.For(string.Empty).Marker(b.ServerId)).DefaultTimeout();
        await b.Maintenance.BeatAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal("{\"n\":1}", (await a.Store.GetConnectionAttributesAsync("b1").DefaultTimeout())["data"]);
    }

    [Fact]
    public void The_wire_format_round_trips_any_text_and_names_its_version()
    {
        var fields = new[] { string.Empty, ":", "12:34", "{x}", "ünïcødé 🎉", new string('x', 1000) };
        var encoded = new ServerMessage(ServerMessageKind.Join, fields).Encode();
        Assert.StartsWith("RF1j", (string?)encoded, StringComparison.Ordinal);
        Assert.Equal(ServerMessageParse.Ok, ServerMessage.TryDecode(encoded, out var decoded));
        Assert.Equal(ServerMessageKind.Join, decoded.Kind);
        Assert.Equal(fields, decoded.Fields);
        Assert.Equal(ServerMessageParse.UnknownVersion, ServerMessage.TryDecode("RF2j", out _));
        Assert.Equal(ServerMessageParse.Malformed, ServerMessage.TryDecode("RF1j5:ab", out _));
    }

    [Fact]
    public void Membership_changes_have_explicit_values_and_explicit_words_on_the_wire()
    {
        Assert.Equal([0, 1, 2, 3, 4], new[] { MembershipChange.Changed, MembershipChange.Unchanged, MembershipChange.UnknownConnection, MembershipChange.RoomCreated, MembershipChange.RoomDeleted }.Select(c => (int)c));
        foreach (var change in Enum.GetValues<MembershipChange>())
        {
            Assert.Equal(change, MembershipChangeWire.Decode(MembershipChangeWire.Encode(change)));
        }

        Assert.Equal("created", MembershipChangeWire.Encode(MembershipChange.RoomCreated));
        Assert.Throws<RoomStoreException>(() => MembershipChangeWire.Decode("3"));
    }

    private async Task<RedisIndexNode> NodeAsync()
    {
        var node = RedisIndexNode.Create(redis.Server.ConnectionString, _prefix, o => o.OperationTimeout = OperationTimeout);
        await node.BeatUntilAnsweredAsync();
        return node;
    }
}
