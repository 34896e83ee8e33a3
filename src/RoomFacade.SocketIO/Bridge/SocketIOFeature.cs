using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// The handshake data of one namespace connection, and the outcome of the hub's <c>OnConnectedAsync</c> (set by
/// <see cref="SocketIOConnectFilter"/>): the CONNECT reply waits for it, so a refusal can still be a CONNECT_ERROR.
/// </summary>
internal sealed class SocketIOFeature(JsonElement auth, string @namespace, string engineSessionId) : ISocketIOFeature
{
    private readonly TaskCompletionSource<ConnectOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JsonElement Auth { get; } = auth;

    public string Namespace { get; } = @namespace;

    public string EngineSessionId { get; } = engineSessionId;

    /// <summary>Completes once <c>OnConnectedAsync</c> ended (or the hub pipeline ended without running it).</summary>
    public Task<ConnectOutcome> Outcome => _outcome.Task;

    public void Connected() => _outcome.TrySetResult(ConnectOutcome.Success);

    /// <summary><c>OnConnectedAsync</c> threw: a <see cref="HubException"/> is a refusal, anything else a failure.</summary>
    public void Failed(Exception exception) => _outcome.TrySetResult(exception is HubException refusal
        ? new ConnectOutcome(ConnectOutcomeKind.Refused, refusal)
        : new ConnectOutcome(ConnectOutcomeKind.Failed, null));

    /// <summary>The hub pipeline ended; when no outcome was set (it ended before OnConnectedAsync ran), it failed.</summary>
    public void PipelineEnded() => _outcome.TrySetResult(new ConnectOutcome(ConnectOutcomeKind.Failed, null));
}
