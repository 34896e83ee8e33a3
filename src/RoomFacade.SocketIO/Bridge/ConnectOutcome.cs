using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>The outcome of a namespace CONNECT; <see cref="Refusal"/> is set when it was refused.</summary>
internal readonly record struct ConnectOutcome(ConnectOutcomeKind Kind, HubException? Refusal)
{
    public static ConnectOutcome Success => new(ConnectOutcomeKind.Success, null);
}
