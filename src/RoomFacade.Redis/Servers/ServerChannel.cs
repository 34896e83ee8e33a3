using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using StackExchange.Redis;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// This server's channel (<c>{prefix}:srv:{serverId}</c>; on a cluster the sharded <c>{prefix}:{srv:serverId}</c>, see
/// <see cref="RedisKeys.ServerChannel"/>): one subscription per server, kept until shutdown, carrying
/// requests from other servers and the answers to this server's own requests. Dispatch never blocks the subscription's
/// queue: answers complete their pending request at once, requests run on the thread pool. Every request gets an
/// answer, an error answer included, so a requester never waits out its timeout because a handler failed.
/// </summary>
internal sealed partial class ServerChannel(RedisOperationRunner runner, RedisKeys keys, ServerIdentity identity, ILogger<ServerChannel> logger)
{
    private const string Ok = "ok";
    private const string Error = "err";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string[]>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ServerMessageKind, Func<string[], CancellationToken, Task<string[]>>> _handlers = new();
    private readonly ConcurrentDictionary<ServerMessageKind, Action<ReadOnlyMemory<byte>>> _oneWayHandlers = new();
    private readonly SemaphoreSlim _subscribeGate = new(1, 1);
    private ChannelMessageQueue? _subscription;
    private RedisChannel _channel;

    public string ServerId => identity.Id;

    /// <summary>Whether the subscription is in place (the health check reports it).</summary>
    public bool IsSubscribed => Volatile.Read(ref _subscription) is not null;

    /// <summary>Whether the subscription is in place and its connection to Redis is up now.</summary>
    public bool IsConnected(IConnectionMultiplexer multiplexer) => IsSubscribed && multiplexer.GetSubscriber().IsConnected(_channel);

    /// <summary>
    /// Registers the handler of one request kind: it gets the request's arguments and returns the answer's payload.
    /// Register every handler before <see cref="EnsureSubscribedAsync"/>.
    /// </summary>
    public void Handle(ServerMessageKind kind, Func<string[], CancellationToken, Task<string[]>> handler) => _handlers[kind] = handler;

    /// <summary>
    /// Registers the handler of a one-way kind (no answer): it gets the whole message (header included) on the
    /// subscription's own thread, so it must not block; it hands the message on (an ordered queue per sender).
    /// Register every handler before <see cref="EnsureSubscribedAsync"/>.
    /// </summary>
    public void HandleOneWay(ServerMessageKind kind, Action<ReadOnlyMemory<byte>> handler) => _oneWayHandlers[kind] = handler;

    /// <summary>Publishes a one-way message to a server; the number of subscribers that received it (0: that server is gone).</summary>
    public async Task<long> SendOneWayAsync(string serverId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        => await runner.PublishAsync(await ChannelOfAsync(serverId, cancellationToken).ConfigureAwait(false), message, cancellationToken).ConfigureAwait(false);

    /// <summary>A server's channel: sharded on a cluster, classic otherwise (<see cref="RedisKeys.ServerChannel"/>).</summary>
    private async ValueTask<RedisChannel> ChannelOfAsync(string serverId, CancellationToken cancellationToken)
        => keys.ServerChannel(serverId, await runner.IsClusterAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Subscribes this server's channel unless subscribed already. Retried by the caller until it succeeds.</summary>
    public async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (IsSubscribed)
        {
            return;
        }

        await _subscribeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsSubscribed)
            {
                return;
            }

            var channel = await ChannelOfAsync(ServerId, cancellationToken).ConfigureAwait(false);
            var subscription = await runner.SubscribeAsync(channel, "subscribe this server's channel", cancellationToken).ConfigureAwait(false);
            subscription.OnMessage(Dispatch);
            _channel = channel;
            Volatile.Write(ref _subscription, subscription);
        }
        finally
        {
            _subscribeGate.Release();
        }
    }

    public async Task UnsubscribeAsync()
    {
        if (Interlocked.Exchange(ref _subscription, null) is { } subscription)
        {
            await subscription.UnsubscribeAsync().WaitAsync(runner.Timeout).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a request to a server and waits for its answer's payload, bounded by twice the operation timeout (this
    /// server's channel is subscribed first if it is not yet, since the answer comes on it). Null when
    /// no server listens on that channel (the server is gone). An error answer becomes a <see cref="RoomStoreException"/>.
    /// </summary>
    public async Task<string[]?> RequestAsync(string serverId, ServerMessageKind kind, string[] arguments, CancellationToken cancellationToken)
    {
        if (serverId == ServerId)
        {
            return await HandleAsync(kind, arguments, cancellationToken).ConfigureAwait(false);
        }

        // The answer comes back on this server's own channel: a server whose first heartbeat has not subscribed it yet
        // (it starts listening after StartupWait anyway) subscribes now, or the answer would find nobody listening.
        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        var requestId = Guid.NewGuid().ToString("N");
        var answer = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = answer;
        try
        {
            var message = new ServerMessage(kind, [requestId, ServerId, .. arguments]);
            if (await runner.PublishAsync(await ChannelOfAsync(serverId, cancellationToken).ConfigureAwait(false), message.Encode(), cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            return await answer.Task.WaitAsync(runner.Timeout * 2, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RoomStoreException($"Server '{serverId}' did not answer within {runner.Timeout * 2} (2 × RedisRoomStoreOptions.OperationTimeout).", ex);
        }
        finally
        {
            _pending.TryRemove(requestId, out _);
        }
    }

    /// <summary>Handles one message from the subscription: never awaits, so the queue keeps flowing.</summary>
    internal void Dispatch(ChannelMessage channelMessage)
    {
        if (!_oneWayHandlers.IsEmpty && TryDispatchOneWay(channelMessage.Message))
        {
            return;
        }

        switch (ServerMessage.TryDecode(channelMessage.Message, out var message))
        {
            case ServerMessageParse.UnknownVersion:
                LogUnknownVersion(logger, ((string?)channelMessage.Message)?[..Math.Min(4, ((string?)channelMessage.Message)?.Length ?? 0)]);
                return;
            case ServerMessageParse.Malformed:
                LogMalformed(logger);
                return;
        }

        if (message.Kind == ServerMessageKind.Answer)
        {
            if (message.Fields.Length >= 2 && _pending.TryRemove(message.Fields[0], out var pending))
            {
                if (message.Fields[1] == Ok)
                {
                    pending.TrySetResult(message.Fields[2..]);
                }
                else
                {
                    pending.TrySetException(new RoomStoreException(message.Fields.Length > 2 ? message.Fields[2] : "Another server could not carry out the request.", null));
                }
            }

            return;
        }

        if (message.Fields.Length < 2 || !_handlers.ContainsKey(message.Kind))
        {
            LogUnknownKind(logger, (char)message.Kind);
            return;
        }

        _ = Task.Run(() => AnswerAsync(message));
    }

    private bool TryDispatchOneWay(RedisValue value)
    {
        var bytes = (ReadOnlyMemory<byte>)value;
        var span = bytes.Span;
        if (span.Length < 4 || span[0] != (byte)'R' || span[1] != (byte)'F' || span[2] != (byte)('0' + ServerMessage.Version)
            || !_oneWayHandlers.TryGetValue((ServerMessageKind)span[3], out var handler))
        {
            return false;
        }

        try
        {
            handler(bytes);
        }
        catch (Exception ex)
        {
            LogOneWayFailed(logger, (char)span[3], ex);
        }

        return true;
    }

    private async Task AnswerAsync(ServerMessage request)
    {
        string[] reply;
        try
        {
            var payload = await HandleAsync(request.Kind, request.Fields[2..], CancellationToken.None).ConfigureAwait(false);
            reply = [request.Fields[0], Ok, .. payload];
        }
        catch (Exception ex)
        {
            // Any failure (Redis, shutdown, a bug) is answered: the requester must not wait out its timeout.
            LogRequestFailed(logger, (char)request.Kind, request.Fields[1], ex);
            reply = [request.Fields[0], Error, $"Server '{ServerId}' could not carry out the request: {ex.Message}"];
        }

        try
        {
            await runner.PublishAsync(await ChannelOfAsync(request.Fields[1], CancellationToken.None).ConfigureAwait(false), new ServerMessage(ServerMessageKind.Answer, reply).Encode(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAnswerFailed(logger, request.Fields[1], ex);
        }
    }

    private Task<string[]> HandleAsync(ServerMessageKind kind, string[] arguments, CancellationToken cancellationToken)
        => _handlers.TryGetValue(kind, out var handler)
            ? handler(arguments, cancellationToken)
            : throw new InvalidOperationException($"No handler for server message kind '{(char)kind}'.");

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Ignored a server message of another wire version ({Header}): are servers of different RoomFacade.Redis versions sharing the key prefix?")]
    private static partial void LogUnknownVersion(ILogger logger, string? header);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Ignored a malformed server message.")]
    private static partial void LogMalformed(ILogger logger);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Ignored a server message of unknown kind '{Kind}'.")]
    private static partial void LogUnknownKind(ILogger logger, char kind);

    [LoggerMessage(EventId = 123, Level = LogLevel.Warning, Message = "A request of kind '{Kind}' from server {ServerId} failed; an error answer is sent.")]
    private static partial void LogRequestFailed(ILogger logger, char kind, string serverId, Exception exception);

    [LoggerMessage(EventId = 125, Level = LogLevel.Warning, Message = "Handling a one-way server message of kind '{Kind}' failed; it is dropped.")]
    private static partial void LogOneWayFailed(ILogger logger, char kind, Exception exception);

    [LoggerMessage(EventId = 124, Level = LogLevel.Warning, Message = "Answering server {ServerId} failed; it will time out.")]
    private static partial void LogAnswerFailed(ILogger logger, string serverId, Exception exception);
}
