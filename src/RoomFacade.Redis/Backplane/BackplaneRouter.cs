using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using RoomFacade.Redis.Servers;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// The backplane's side of this server's channel, shared by every hub: hub messages from each sending server go into
/// one ordered queue per sender (so one sender's order is kept, and no sender waits behind another or behind the
/// subscription), their sequence numbers are checked for gaps, and group requests and client results are handed to
/// the hub they name.
/// </summary>
internal sealed partial class BackplaneRouter
{
    private readonly ConcurrentDictionary<string, IBackplaneHub> _hubs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SenderQueue> _senders = new(StringComparer.Ordinal);
    private readonly ServerChannel _channel;
    private readonly RedisOperationRunner _runner;
    private readonly ILogger<BackplaneRouter> _logger;

    public BackplaneRouter(ServerChannel channel, RedisOperationRunner runner, RedisKeys keys, BackplaneMetrics metrics, ILogger<BackplaneRouter> logger)
    {
        _channel = channel;
        _runner = runner;
        _logger = logger;
        Metrics = metrics;
        Scripts = new BackplaneScripts(runner, keys, channel.ServerId);
        Header = BackplaneEnvelope.HubMessageHeader(channel.ServerId);
        channel.HandleOneWay(ServerMessageKind.HubMessage, OnHubMessage);
        channel.HandleOneWay(ServerMessageKind.ClientResult, OnClientResult);
        channel.Handle(ServerMessageKind.GroupAdd, (args, ct) => OnGroupRequestAsync(args, add: true, ct));
        channel.Handle(ServerMessageKind.GroupRemove, (args, ct) => OnGroupRequestAsync(args, add: false, ct));
    }

    public string ServerId => _channel.ServerId;

    public ServerChannel Channel => _channel;

    public BackplaneScripts Scripts { get; }

    public BackplaneMetrics Metrics { get; }

    /// <summary>The header of this server's hub messages (the route script appends the sequence).</summary>
    public byte[] Header { get; }

    /// <summary>Whether Redis is reachable now (remote sends fail fast, without waiting, when it is not).</summary>
    public bool RedisConnected => _runner.Connection.Current is not { } multiplexer || multiplexer.IsConnected;

    /// <summary>Messages lost between another server and this one, seen as gaps in their sequence numbers.</summary>
    public long Gaps => Metrics.Gaps;

    public void Register(string hubKey, IBackplaneHub hub) => _hubs[hubKey] = hub;

    /// <summary>Makes sure the channel is subscribed before a connection is accepted (at once when it is).</summary>
    public Task EnsureSubscribedAsync(CancellationToken cancellationToken)
        => _channel.IsSubscribed ? Task.CompletedTask : _channel.EnsureSubscribedAsync(cancellationToken);

    private void OnHubMessage(ReadOnlyMemory<byte> message)
    {
        if (!BackplaneEnvelope.TryReadHeader(message, out var sender, out var sequence, out var body))
        {
            LogMalformed(_logger, null);
            return;
        }

        Metrics.Received(message.Length);
        var queue = _senders.GetOrAdd(sender, static (id, router) => router.StartQueue(id), this);

        // The subscription hands messages over one at a time, in order: sequence checks need no lock.
        if (queue.LastSequence > 0 && sequence > queue.LastSequence + 1)
        {
            Metrics.Gap(sequence - queue.LastSequence - 1);
            LogGap(_logger, sequence - queue.LastSequence - 1, sender);
        }

        queue.LastSequence = sequence;
        queue.Messages.Writer.TryWrite(body);
    }

    private void OnClientResult(ReadOnlyMemory<byte> message)
    {
        ClientResultBody result;
        try
        {
            result = BackplaneEnvelope.ReadClientResult(message);
        }
        catch (FormatException ex)
        {
            LogMalformed(_logger, ex);
            return;
        }

        if (_hubs.TryGetValue(result.HubKey, out var hub))
        {
            hub.CompleteRemoteResult(result);
        }
    }

    private async Task<string[]> OnGroupRequestAsync(string[] args, bool add, CancellationToken cancellationToken)
        => args.Length == 3 && _hubs.TryGetValue(args[0], out var hub) && await hub.ChangeGroupAsync(args[1], args[2], add, cancellationToken).ConfigureAwait(false)
            ? ["1"]
            : ["0"];

    private SenderQueue StartQueue(string sender)
    {
        var queue = new SenderQueue();
        _ = Task.Run(() => DrainAsync(sender, queue));
        return queue;
    }

    private async Task DrainAsync(string sender, SenderQueue queue)
    {
        await foreach (var body in queue.Messages.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var message = BackplaneEnvelope.ReadHubMessage(body);
                if (_hubs.TryGetValue(message.HubKey, out var hub))
                {
                    hub.Deliver(message);
                }
            }
            catch (Exception ex)
            {
                LogDeliveryFailed(_logger, sender, ex);
            }
        }
    }

    /// <summary>One sending server's messages, delivered in the order it sent them.</summary>
    private sealed class SenderQueue
    {
        public Channel<ReadOnlyMemory<byte>> Messages { get; } = System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public long LastSequence { get; set; }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Ignored a malformed backplane message.")]
    private static partial void LogMalformed(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "{Missing} backplane message(s) from server {ServerId} were lost (a gap in its sequence).")]
    private static partial void LogGap(ILogger logger, long missing, string serverId);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Delivering a backplane message from server {ServerId} failed.")]
    private static partial void LogDeliveryFailed(ILogger logger, string serverId, Exception exception);
}
