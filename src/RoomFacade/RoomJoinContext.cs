using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;

namespace RoomFacade;

/// <summary>A join to authorize.</summary>
/// <param name="ConnectionId">The connection that wants to join.</param>
/// <param name="User">The connection's user (<c>Context.User</c>).</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Room">The room.</param>
public sealed record RoomJoinContext(string ConnectionId, ClaimsPrincipal? User, string Namespace, string Room)
{
    /// <summary>
    /// The joining connection's features (the hub's <c>Context.Features</c>): its HTTP request through
    /// <c>IHttpContextFeature</c>, and for Socket.IO clients the handshake (<c>auth</c> payload) through
    /// <c>RoomFacade.SocketIO.ISocketIOFeature</c>. <see langword="null"/> when the context was built without them.
    /// </summary>
    public IFeatureCollection? Features { get; init; }
}
