using System.Security.Claims;

namespace RoomFacade;

/// <summary>
/// Decides whether a connection may join a room. Every registered authorizer is consulted before a join made through
/// <see cref="IRoomManager.Socket(Microsoft.AspNetCore.SignalR.Hub)"/> in a hub method; if any refuses, the caller gets a
/// <see cref="Microsoft.AspNetCore.SignalR.HubException"/> and nothing changes. Joins made by the server itself
/// (<see cref="IRoomManager.JoinAsync"/>, <c>SocketsJoinAsync</c>) are trusted and not consulted.
/// Register one with <c>AddRoomFacade().AddJoinAuthorizer&lt;T&gt;()</c> or <c>.AddJoinAuthorizer(context =&gt; ...)</c>.
/// </summary>
public interface IRoomJoinAuthorizer
{
    /// <summary>Returns <see langword="true"/> to allow the join.</summary>
    /// <param name="context">Who wants to join what.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    ValueTask<bool> AuthorizeJoinAsync(RoomJoinContext context, CancellationToken cancellationToken);
}
