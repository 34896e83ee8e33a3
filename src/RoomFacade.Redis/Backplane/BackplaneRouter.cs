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
internal sealed partial class BackplaneRouter : IServerSetObserver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IBackplaneHub> _hubs = new(StringComparer.Ordinal);

    // Keyed by (sending server, stream): the stream is "" on standalone Redis (one channel per server, one sequence per
    // sender) and the namespace on a cluster (a sharded channel and a sequence per sender and namespace).
    private readonly ConcurrentDictionary<(string Sender, string Stream), SenderQueue> _senders = new();
    private readonly ServerChannel _channel;
    private readonly RedisOperationRunner _runner;
    private readonly ILogger<BackplaneRouter> _logger;
    private readonly TimeProvider _time;
    private bool _versionChecked;

    public BackplaneRouter(ServerChannel channel, RedisOperationRunner runner, RedisKeys keys, BackplaneMetrics metrics, ILogger<BackplaneRouter> logger, TimeProvider time)
    {
        _channel = channel;
        _time = time;
        _runner = runner;
        _logger = logger;
        Metrics = metrics;
        Scripts = new BackplaneScripts(runner, keys, channel.ServerId);
        Header = BackplaneEnvelope.HubMessageHeader(channel.ServerId);
        channel.HandleOneWay(ServerMessageKind.HubMessage, message => OnHubMessage(string.Empty, message));
        Namespaces = new NamespaceChannels(runner, keys, channel.ServerId, OnHubMessage, logger);
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

    /// <summary>Whether hub messages go by sharded pub/sub (a Redis Cluster); null until Redis has been reached.</summary>
    public bool? Sharded => _runner.Connection.IsCluster;

    /// <summary>The sharded namespace channels (a Redis Cluster only).</summary>
    public NamespaceChannels Namespaces { get; }

    /// <summary>How many receive queues (and sequences) this server keeps: one per sending server, per namespace on a cluster.</summary>
    public int SenderCount => _senders.Count;

    /// <summary>Messages lost between another server and this one, seen as gaps in their sequence numbers.</summary>
    public long Gaps => Metrics.Gaps;

    public void Register(string hubKey, IBackplaneHub hub) => _hubs[hubKey] = hub;

    /// <summary>
    /// Makes sure this server's channel, and on a cluster its sharded channel of the namespace, are subscribed before a
    /// connection of the namespace is accepted (at once when they are).
    /// </summary>
    public Task EnsureSubscribedAsync(string @namespace, CancellationToken cancellationToken)
        => _channel.IsSubscribed && (Sharded == false || Namespaces.IsSubscribed(@namespace))
            ? Task.CompletedTask
            : EnsureSubscribedSlowAsync(@namespace, cancellationToken);

    /// <summary>Whether every subscription of the backplane is in place and connected (the health check).</summary>
    public bool SubscriptionsConnected(StackExchange.Redis.IConnectionMultiplexer multiplexer)
        => _channel.IsConnected(multiplexer) && (Sharded != true || Namespaces.AllConnected(multiplexer));

    public ValueTask DisposeAsync() => Namespaces.DisposeAsync();

    /// <summary>Whether hub messages go by sharded pub/sub, connecting to Redis first when needed.</summary>
    public ValueTask<bool> IsShardedAsync(CancellationToken cancellationToken) => _runner.IsClusterAsync(cancellationToken);

    private async Task EnsureSubscribedSlowAsync(string @namespace, CancellationToken cancellationToken)
    {
        await _channel.EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        if (!_versionChecked && _runner.Connection.Current is { } multiplexer)
        {
            RedisVersionRequirement.EnsureSupported(multiplexer);
            _versionChecked = true;
        }

        if (await IsShardedAsync(cancellationToken).ConfigureAwait(false))
        {
            await Namespaces.EnsureSubscribedAsync(@namespace, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnHubMessage(string stream, ReadOnlyMemory<byte> message)
    {
        if (!BackplaneEnvelope.TryReadHeader(message, out var sender, out var sequence, out var body))
        {
            LogMalformed(_logger, null);
            return;
        }

        Metrics.Received(message.Length);
        while (true)
        {
            var queue = _senders.GetOrAdd((sender, stream), static (key, router) => router.StartQueue(key.Sender), this);
            lock (queue)
            {
                if (queue.Retired)
                {
                    continue; // forgotten a moment ago (its server was gone and silent): start a new queue
                }

                // The subscription hands messages over one at a time, in order: the lock only orders this with
                // forgetting the queue.
                if (queue.LastSequence > 0 && sequence > queue.LastSequence + 1)
                {
                    Metrics.Gap(sequence - queue.LastSequence - 1);
                    LogGap(_logger, sequence - queue.LastSequence - 1, sender);
                }

                queue.LastSequence = sequence;
                queue.LastMessage = _time.GetTimestamp();
                Interlocked.Increment(ref queue.Pending);
                queue.Messages.Writer.TryWrite(body);
                return;
            }
        }
    }

    /// <summary>
    /// Forgets the receive queue and sequence of every server that is no longer registered (crashed and swept, or shut
    /// down) and has sent nothing for <paramref name="silentFor"/>, once its queue is drained. A server that comes back
    /// gets a new queue; its first message is not counted as a gap.
    /// </summary>
    public void OnRegisteredServers(IReadOnlyCollection<string> registered, TimeSpan silentFor)
    {
        var live = registered as IReadOnlySet<string> ?? new HashSet<string>(registered, StringComparer.Ordinal);
        foreach (var (key, queue) in _senders)
        {
            var sender = key.Sender;
            if (live.Contains(sender))
            {
                continue;
            }

            lock (queue)
            {
                if (queue.Retired || Volatile.Read(ref queue.Pending) > 0 || _time.GetElapsedTime(queue.LastMessage) < silentFor)
                {
                    continue;
                }

                queue.Retired = true;
                _senders.TryRemove(KeyValuePair.Create(key, queue));
                queue.Messages.Writer.TryComplete();
            }

            LogSenderForgotten(_logger, sender);
        }
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
        var queue = new SenderQueue { LastMessage = _time.GetTimestamp() };
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
            finally
            {
                Interlocked.Decrement(ref queue.Pending);
            }
        }
    }

    /// <summary>One sending server's messages, delivered in the order it sent them.</summary>
    private sealed class SenderQueue
    {
        public Channel<ReadOnlyMemory<byte>> Messages { get; } = System.Threading.Channels.Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public long LastSequence { get; set; }

        /// <summary>When the last message arrived (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long LastMessage { get; set; }

        /// <summary>Messages queued and not yet delivered (a queue is forgotten only at 0).</summary>
        public int Pending;

        /// <summary>Forgotten: its server is gone; a late message starts a new queue.</summary>
        public bool Retired { get; set; }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Ignored a malformed backplane message.")]
    private static partial void LogMalformed(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "{Missing} backplane message(s) from server {ServerId} were lost (a gap in its sequence).")]
    private static partial void LogGap(ILogger logger, long missing, string serverId);

    [LoggerMessage(EventId = 133, Level = LogLevel.Debug, Message = "Forgot the backplane receive queue of server {ServerId}: no longer registered and silent.")]
    private static partial void LogSenderForgotten(ILogger logger, string serverId);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Delivering a backplane message from server {ServerId} failed.")]
    private static partial void LogDeliveryFailed(ILogger logger, string serverId, Exception exception);
}
