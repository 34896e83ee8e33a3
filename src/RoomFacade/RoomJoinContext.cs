using System.Security.Claims;

namespace RoomFacade;

/// <summary>A join to authorize.</summary>
/// <param name="ConnectionId">The connection that wants to join.</param>
/// <param name="User">The connection's user (<c>Context.User</c>).</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Room">The room.</param>
public sealed record RoomJoinContext(string ConnectionId, ClaimsPrincipal? User, string Namespace, string Room);
