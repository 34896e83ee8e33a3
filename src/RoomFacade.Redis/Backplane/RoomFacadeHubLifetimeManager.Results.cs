using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using static RoomFacade.Redis.Backplane.BackplaneEnvelope;

namespace RoomFacade.Redis.Backplane;

/// <summary>Client results, on this server and across servers.</summary>
internal sealed partial class RoomFacadeHubLifetimeManager<THub>
{
    public override async Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(methodName);
        cancellationToken.ThrowIfCancellationRequested();
        var invocationId = _results.NextId();
        var pending = _results.Register<T>(invocationId, connectionId);
        var connection = _local.Connections[connectionId];
        try
        {
            var invocation = new InvocationMessage(invocationId, methodName, args);
            if (connection is not null)
            {
                await connection.WriteAsync(invocation, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                pending.Remote = true;

                // The result comes back on this server's channel: subscribe it first if the first heartbeat has not.
                await _router.Channel.EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
                var sharded = await _router.IsShardedAsync(cancellationToken).ConfigureAwait(false);
                var received = await RouteSerializedAsync(new SerializedHubMessage(invocation), messages => WriteHubMessage(_hubKey, Target.Invocation, [connectionId], null, invocationId, _router.ServerId, messages), sharded, 'c', [], [connectionId], cancellationToken).ConfigureAwait(false);
                if (received == 0)
                {
                    throw new IOException($"Connection '{connectionId}' does not exist.");
                }
            }
        }
        catch
        {
            _results.TryRemove(invocationId, out _);
            throw;
        }

        using var registration = cancellationToken.Register(() =>
        {
            if (_results.TryRemove(invocationId, out var canceled))
            {
                canceled.Fail(new HubException("Invocation canceled by the server."));
                if (connection is not null)
                {
                    _ = _local.Write(connection, new SerializedHubMessage(new CancelInvocationMessage(invocationId)));
                }
            }
        });
        return await pending.Task.ConfigureAwait(false);
    }

    public override async Task SetConnectionResultAsync(string connectionId, CompletionMessage result)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(result);
        if (_results.Complete(connectionId, result) is not { } forwarded)
        {
            return;
        }

        // The result of an invocation another server started: serialize it with the client's protocol (the result
        // is a RawResult, written as received) and send it back.
        if (_local.Connections[connectionId] is { } connection)
        {
            var bytes = connection.Protocol.GetMessageBytes(result);
            await AnswerForwardedAsync(result.InvocationId!, forwarded.RequesterServerId, isError: false, connection.Protocol.Name, bytes).ConfigureAwait(false);
        }
        else
        {
            await AnswerForwardedAsync(result.InvocationId!, forwarded.RequesterServerId, isError: true, string.Empty, Encoding.UTF8.GetBytes("Connection disconnected.")).ConfigureAwait(false);
        }
    }

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
        => _results.TryGetReturnType(invocationId, out type);

    void IBackplaneHub.CompleteRemoteResult(ClientResultBody result)
    {
        if (!_results.TryRemove(result.InvocationId, out var pending))
        {
            return; // canceled or completed already
        }

        if (result.IsError)
        {
            pending.Fail(new HubException(Encoding.UTF8.GetString(result.Bytes.Span)));
        }
        else
        {
            pending.CompleteRemote(_protocols.FirstOrDefault(p => p.Name == result.ProtocolName), result.Bytes);
        }
    }

    /// <summary>Another server invokes one of this server's clients: forward, and answer with the client's result.</summary>
    private void DeliverInvocation(HubMessageBody body, SerializedHubMessage message)
    {
        var invocationId = body.InvocationId!;
        var requester = body.RequesterServerId!;
        if (body.Targets is not [var connectionId] || _local.Connections[connectionId] is not { } connection)
        {
            _ = AnswerForwardedAsync(invocationId, requester, isError: true, string.Empty, Encoding.UTF8.GetBytes("Connection disconnected."));
            return;
        }

        _results.Forward(invocationId, connectionId, requester);
        if (_local.Write(connection, message) is { } write)
        {
            _ = write;
        }
    }

    private async Task AnswerForwardedAsync(string invocationId, string requesterServerId, bool isError, string protocolName, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            await _router.Channel.SendOneWayAsync(requesterServerId, WriteClientResult(_hubKey, invocationId, isError, protocolName, bytes.Span), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAnswerFailed(_logger, invocationId, requesterServerId, ex);
        }
    }

    [LoggerMessage(EventId = 145, Level = LogLevel.Warning, Message = "Sending the client result of invocation {InvocationId} to server {ServerId} failed; its caller will wait until its own timeout.")]
    private static partial void LogAnswerFailed(ILogger logger, string invocationId, string serverId, Exception exception);
}
