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

/// <summary>A join to authorize.</summary>
/// <param name="ConnectionId">The connection that wants to join.</param>
/// <param name="User">The connection's user (<c>Context.User</c>).</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Room">The room.</param>
public sealed record RoomJoinContext(string ConnectionId, ClaimsPrincipal? User, string Namespace, string Room);
