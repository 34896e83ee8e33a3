using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using StackExchange.Redis;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// The backplane's sharded channels on a Redis Cluster: one SSUBSCRIBE per namespace this server serves, to its
/// channel under the namespace's hash tag (<see cref="RedisKeys.NamespaceKeys.Channel"/>), made before the first
/// connection of that namespace is accepted and kept until shutdown. StackExchange.Redis moves a sharded subscription
/// with its slot (a slot migration ends it with an unsolicited SUNSUBSCRIBE; it subscribes again on the new owner).
/// </summary>
internal sealed partial class NamespaceChannels(RedisOperationRunner runner, RedisKeys keys, string serverId, Action<string, ReadOnlyMemory<byte>> onMessage, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task<ChannelMessageQueue>> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Whether the namespace's channel is subscribed (at once, without a lock, on the connect path).</summary>
    public bool IsSubscribed(string @namespace) => _subscriptions.TryGetValue(@namespace, out var attempt) && attempt.IsCompletedSuccessfully;

    /// <summary>
    /// Subscribes the namespace's channel unless done already. One attempt at a time per namespace (two subscriptions
    /// would deliver every message twice); a failed attempt is replaced by the next caller's. Each caller bounds its wait.
    /// </summary>
    public Task EnsureSubscribedAsync(string @namespace, CancellationToken cancellationToken)
    {
        Task<ChannelMessageQueue> attempt;
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(@namespace, out attempt!) || attempt.IsFaulted || attempt.IsCanceled)
            {
                attempt = SubscribeAsync(@namespace);
                _subscriptions[@namespace] = attempt;
            }
        }

        return attempt.IsCompletedSuccessfully ? Task.CompletedTask : attempt.WaitAsync(cancellationToken);
    }

    /// <summary>Whether every subscribed namespace channel is connected now (the health check).</summary>
    public bool AllConnected(IConnectionMultiplexer multiplexer)
    {
        var subscriber = multiplexer.GetSubscriber();
        return _subscriptions.Where(s => s.Value.IsCompletedSuccessfully).All(s => subscriber.IsConnected(keys.For(s.Key).Channel(serverId)));
    }

    public async ValueTask DisposeAsync()
    {
        Task<ChannelMessageQueue>[] attempts;
        lock (_gate)
        {
            attempts = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        foreach (var attempt in attempts.Where(a => a.IsCompletedSuccessfully))
        {
            try
            {
                await attempt.Result.UnsubscribeAsync().WaitAsync(runner.Timeout).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogUnsubscribeFailed(logger, ex);
            }
        }
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(string @namespace)
    {
        var queue = await runner.SubscribeAsync(keys.For(@namespace).Channel(serverId), "subscribe this server's sharded channel of a namespace", CancellationToken.None).ConfigureAwait(false);
        queue.OnMessage(message => onMessage(@namespace, (ReadOnlyMemory<byte>)message.Message));
        return queue;
    }

    [LoggerMessage(EventId = 134, Level = LogLevel.Warning, Message = "Unsubscribing a namespace channel of the backplane at shutdown failed.")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception);
}
