using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoomFacade.Redis.Backplane;
using RoomFacade.Redis.Index;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// A message to other servers is serialized for the hub protocols connections actually use, not for every registered
/// one; a protocol that comes into use on any server is learned by the senders before their next message reaches it.
/// </summary>
public sealed class ProtocolsInUseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly string _prefix = "piu" + Guid.NewGuid().ToString("N")[..8];
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
    public async Task Messages_to_other_servers_carry_only_the_protocols_in_use_and_a_new_one_is_learned_before_it_is_needed()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var jsonMember = await b.ConnectAsync();
        await b.Manager.AddToGroupAsync(jsonMember.Id, "room").DefaultTimeout();
        var published = await WatchAsync(b.ServerId);

        // Two protocols are registered, only JSON is used: the message crosses Redis in JSON only.
        await a.Manager.SendGroupAsync("room", "Hello", [1]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(jsonMember, "Hello", 1);
        Assert.Equal(["json"], await NextProtocolsAsync(published));

        // A connection using the other protocol arrives on b: a's very next message reaches it, in both protocols.
        var otherMember = await b.ConnectAsync(connection: new TestConnection(protocol: new OtherJsonProtocol()));
        await b.Manager.AddToGroupAsync(otherMember.Id, "room").DefaultTimeout();
        await a.Manager.SendGroupAsync("room", "Hello", [2]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(jsonMember, "Hello", 2);
        await BackplaneTestBase.AssertReceivesAsync(otherMember, "Hello", 2);
        SetAssert.Equal(["json", OtherJsonProtocol.ProtocolName], await NextProtocolsAsync(published));

        // Nothing was published twice: the first attempt, refused by the route script, sent nothing.
        await a.Manager.SendConnectionAsync(jsonMember.Id, "Marker", ["m"]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(jsonMember, "Marker", "m");
        SetAssert.Equal(["json", OtherJsonProtocol.ProtocolName], await NextProtocolsAsync(published));
        Assert.False(published.TryRead(out _));
        Assert.Equal(0, b.Router.Gaps);
    }

    [Fact]
    public async Task A_sender_that_knows_no_protocol_in_use_yet_serializes_for_every_supported_one()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var member = await b.ConnectAsync();
        await b.Manager.AddToGroupAsync(member.Id, "room").DefaultTimeout();
        var published = await WatchAsync(b.ServerId);

        // The list is gone (lost, or written by servers of an earlier version): a's first message must still be readable.
        await using var admin = await redis.Server.ConnectAsync();
        await admin.GetDatabase().KeyDeleteAsync(new RedisKeys(_prefix).For(BackplaneNode.PlainHubNamespace).Protocols).DefaultTimeout();
        await a.Manager.SendGroupAsync("room", "Hello", [1]).DefaultTimeout();
        await BackplaneTestBase.AssertReceivesAsync(member, "Hello", 1);
        SetAssert.Equal(["json", OtherJsonProtocol.ProtocolName], await NextProtocolsAsync(published));
    }

    private async Task<BackplaneNode> NodeAsync()
    {
        var node = await BackplaneNode.StartAsync(redis.Server.ConnectionString, _prefix, services: s => s.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, OtherJsonProtocol>()));
        _disposables.Add(node);
        return node;
    }

    /// <summary>Every hub message published to a server, read by a subscriber of its own (standalone Redis: its channel).</summary>
    private async Task<ChannelReader<byte[]>> WatchAsync(string serverId)
    {
        var multiplexer = await redis.Server.ConnectAsync();
        _disposables.Add(multiplexer);
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(new RedisKeys(_prefix).ServerChannel(serverId)).DefaultTimeout();
        var messages = Channel.CreateUnbounded<byte[]>();
        queue.OnMessage(m => messages.Writer.TryWrite((byte[])m.Message!));
        return messages.Reader;
    }

    private static async Task<string[]> NextProtocolsAsync(ChannelReader<byte[]> published)
    {
        var message = await published.ReadAsync().AsTask().DefaultTimeout();
        Assert.True(BackplaneEnvelope.TryReadHeader(message, out _, out _, out var body));
        return [.. BackplaneEnvelope.ReadHubMessage(body).Messages.Select(m => m.ProtocolName)];
    }

    /// <summary>A second registered protocol: JSON under another name.</summary>
    private sealed class OtherJsonProtocol : IHubProtocol
    {
        public const string ProtocolName = "otherjson";
        private readonly JsonHubProtocol _json = new();

        public string Name => ProtocolName;

        public int Version => _json.Version;

        public TransferFormat TransferFormat => _json.TransferFormat;

        public bool IsVersionSupported(int version) => _json.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) => _json.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _json.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _json.GetMessageBytes(message);
    }
}
