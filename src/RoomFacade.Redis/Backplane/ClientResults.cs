using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// Client results across servers: the invocations this server started (waiting for a result, from a local client or
/// from another server), and those it forwarded to one of its clients for another server. Invocation ids are the
/// server id and a counter, so they are unique across servers.
/// </summary>
internal sealed class ClientResults(string serverId)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Forwarded> _forwarded = new(StringComparer.Ordinal);
    private long _next;

    public string NextId() => serverId + ":" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    public Pending<T> Register<T>(string invocationId, string connectionId)
    {
        var pending = new Pending<T>(connectionId);
        _pending[invocationId] = pending;
        return pending;
    }

    public bool TryRemove(string invocationId, [NotNullWhen(true)] out Pending? pending) => _pending.TryRemove(invocationId, out pending);

    public void Forward(string invocationId, string connectionId, string requesterServerId) => _forwarded[invocationId] = new Forwarded(connectionId, requesterServerId);

    public bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
    {
        type = _pending.TryGetValue(invocationId, out var pending) ? pending.ResultType : _forwarded.ContainsKey(invocationId) ? typeof(RawResult) : null;
        return type is not null;
    }

    /// <summary>
    /// A completion from one of this server's clients. Returns the forwarded entry to answer on another server, or
    /// null when handled here (or unknown: nothing to do). A completion from the wrong connection throws and leaves
    /// the invocation pending.
    /// </summary>
    public Forwarded? Complete(string connectionId, CompletionMessage result)
    {
        if (_forwarded.TryGetValue(result.InvocationId!, out var forwarded))
        {
            Check(forwarded.ConnectionId, connectionId, result.InvocationId!);
            return _forwarded.TryRemove(result.InvocationId!, out forwarded) ? forwarded : null;
        }

        if (_pending.TryGetValue(result.InvocationId!, out var pending))
        {
            Check(pending.ConnectionId, connectionId, result.InvocationId!);
            if (_pending.TryRemove(result.InvocationId!, out pending))
            {
                pending.Complete(result);
            }
        }

        return null;
    }

    /// <summary>A connection left: its own pending invocations fail; those forwarded for other servers are returned (to answer with an error).</summary>
    public IReadOnlyList<(string InvocationId, Forwarded Forwarded)> ConnectionGone(string connectionId)
    {
        foreach (var (id, pending) in _pending)
        {
            if (pending.ConnectionId == connectionId && !pending.Remote && _pending.TryRemove(id, out _))
            {
                pending.Fail(new IOException($"Connection '{connectionId}' disconnected."));
            }
        }

        var gone = new List<(string, Forwarded)>();
        foreach (var (id, forwarded) in _forwarded)
        {
            if (forwarded.ConnectionId == connectionId && _forwarded.TryRemove(id, out _))
            {
                gone.Add((id, forwarded));
            }
        }

        return gone;
    }

    private static void Check(string expected, string actual, string invocationId)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Connection ID '{actual}' is not valid for invocation ID '{invocationId}'.");
        }
    }

    /// <summary>An invocation forwarded to a local client for <paramref name="RequesterServerId"/>.</summary>
    internal sealed record Forwarded(string ConnectionId, string RequesterServerId);

    /// <summary>An invocation this server waits for.</summary>
    internal abstract class Pending(string connectionId, Type resultType)
    {
        public string ConnectionId { get; } = connectionId;

        public Type ResultType { get; } = resultType;

        /// <summary>Whether the client is on another server (its disconnect is reported by that server).</summary>
        public bool Remote { get; set; }

        public abstract void Complete(CompletionMessage result);

        public abstract void Fail(Exception exception);

        /// <summary>A completion serialized by another server with the client's protocol.</summary>
        public abstract void CompleteRemote(IHubProtocol? protocol, ReadOnlyMemory<byte> bytes);
    }

    internal sealed class Pending<T>(string connectionId) : Pending(connectionId, typeof(T)), IInvocationBinder
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _result.Task;

        public override void Complete(CompletionMessage result)
        {
            if (result.HasResult)
            {
                if (result.Result is T value)
                {
                    _result.TrySetResult(value);
                }
                else if (result.Result is null && default(T) is null)
                {
                    _result.TrySetResult(default!);
                }
                else
                {
                    _result.TrySetException(new HubException($"Error trying to deserialize result to {typeof(T).Name}. The client returned a {result.Result?.GetType().Name ?? "null"}."));
                }
            }
            else
            {
                _result.TrySetException(new HubException(result.Error ?? "The client returned no result."));
            }
        }

        public override void Fail(Exception exception) => _result.TrySetException(exception);

        public override void CompleteRemote(IHubProtocol? protocol, ReadOnlyMemory<byte> bytes)
        {
            if (protocol is null)
            {
                _result.TrySetException(new HubException($"Error trying to deserialize result to {typeof(T).Name}. The client's protocol is not supported here."));
                return;
            }

            try
            {
                var sequence = new ReadOnlySequence<byte>(bytes);
                if (protocol.TryParseMessage(ref sequence, this, out var message) && message is CompletionMessage completion)
                {
                    Complete(completion);
                    return;
                }

                _result.TrySetException(new HubException($"Error trying to deserialize result to {typeof(T).Name}. The message was not a completion."));
            }
            catch (Exception ex)
            {
                _result.TrySetException(new HubException($"Error trying to deserialize result to {typeof(T).Name}. {ex.Message}", ex));
            }
        }

        Type IInvocationBinder.GetReturnType(string invocationId) => typeof(T);

        IReadOnlyList<Type> IInvocationBinder.GetParameterTypes(string methodName) => throw new NotSupportedException();

        Type IInvocationBinder.GetStreamItemType(string streamId) => throw new NotSupportedException();
    }
}
