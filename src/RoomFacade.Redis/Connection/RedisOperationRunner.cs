using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoomFacade.Redis.Connection;

/// <summary>
/// Runs index operations against Redis: each is bounded by <see cref="RedisRoomStoreOptions.OperationTimeout"/>, and any
/// failure other than the caller's own cancellation becomes a <see cref="RoomStoreException"/> naming the operation.
/// </summary>
internal sealed class RedisOperationRunner(RedisConnection connection, IOptions<RedisRoomStoreOptions> options)
{
    private readonly TimeSpan _timeout = options.Value.OperationTimeout;

    public TimeSpan Timeout => _timeout;

    public RedisConnection Connection => connection;

    public Task RunAsync(string operation, Func<IDatabase, Task> action, CancellationToken cancellationToken)
        => RunAsync(operation, action, static async (db, a) =>
        {
            await a(db).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
        => RunAsync(operation, action, static (db, a) => a(db), cancellationToken);

    /// <summary>
    /// Runs one operation. The state is passed to a static delegate, so hot paths allocate no closure, and an operation
    /// that completed at once costs no state machine.
    /// </summary>
    public Task<T> RunAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> action, CancellationToken cancellationToken)
    {
        if (connection.Current is not { } multiplexer)
        {
            return ConnectThenRunAsync(operation, state, action, cancellationToken);
        }

        Task<T> task;
        try
        {
            task = action(multiplexer.GetDatabase(), state);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            return Task.FromException<T>(Failure(operation, ex));
        }

        return task.IsCompletedSuccessfully ? task : AwaitAsync(operation, task, cancellationToken);
    }

    /// <summary>Whether the endpoint is a Redis Cluster, connecting first when no node has been reached yet.</summary>
    public async ValueTask<bool> IsClusterAsync(CancellationToken cancellationToken)
    {
        if (connection.IsCluster is { } known)
        {
            return known;
        }

        try
        {
            await connection.GetAsync().AsTask().WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure("connect", ex);
        }

        return connection.IsCluster ?? throw new RoomStoreException("The Redis room index could not tell whether Redis is a cluster: no Redis node is connected.", null);
    }

    /// <summary>Publishes on a channel; the number of subscribers that received the message.</summary>
    public async Task<long> PublishAsync(RedisChannel channel, RedisValue message, CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await connection.GetAsync().AsTask().WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            return await multiplexer.GetSubscriber().PublishAsync(channel, message).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure("send a message to another server", ex);
        }
    }

    /// <summary>
    /// Whatever ends an operation other than the caller's own cancellation or the index's own error is a failure of
    /// Redis or of the connection to it: while a connection is torn down StackExchange.Redis also faults commands with
    /// <see cref="TaskCanceledException"/> or <see cref="InvalidOperationException"/>, not only <see cref="RedisException"/>.
    /// </summary>
    public static bool IsRedisFailure(Exception ex, CancellationToken cancellationToken)
        => ex is not RoomStoreException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    public RoomStoreException Failure(string operation, Exception ex)
        => new($"The Redis room index could not {operation} within {_timeout.TotalMilliseconds:0} ms (RedisRoomStoreOptions.OperationTimeout): {ex.Message}", ex);

    private async Task<T> AwaitAsync<T>(string operation, Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            // The index's own multiplexer enforces OperationTimeout itself (its AsyncTimeout): no timer per operation.
            // An application's multiplexer (or one with its own timeouts) is bounded here.
            return !connection.EnforcesOperationTimeout
                ? await task.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false)
                : cancellationToken.CanBeCanceled
                    ? await task.WaitAsync(cancellationToken).ConfigureAwait(false)
                    : await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure(operation, ex);
        }
    }

    private async Task<T> ConnectThenRunAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            await connection.GetAsync().AsTask().WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            throw Failure(operation, ex);
        }

        return await RunAsync(operation, state, action, cancellationToken).ConfigureAwait(false);
    }
}
