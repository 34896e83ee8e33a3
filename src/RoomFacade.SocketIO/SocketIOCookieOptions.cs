using Microsoft.AspNetCore.Http;

namespace RoomFacade.SocketIO;

/// <summary>
/// The affinity cookie set on the Engine.IO handshake response (Engine.IO's <c>cookie</c> option): its value is the
/// session id, for load balancers that route by cookie so that every polling request of a session reaches the server
/// holding it. The defaults are those of the reference server with <c>cookie: true</c>: <c>io=&lt;sid&gt;; Path=/;
/// HttpOnly; SameSite=Lax</c>.
/// </summary>
public sealed class SocketIOCookieOptions
{
    /// <summary>The cookie name (default <c>"io"</c>).</summary>
    public string Name { get; set; } = "io";

    /// <summary>The cookie path (default <c>"/"</c>).</summary>
    public string Path { get; set; } = "/";

    /// <summary>Whether scripts in the page cannot read the cookie (default <see langword="true"/>).</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>
    /// The <c>SameSite</c> attribute (default <see cref="SameSiteMode.Lax"/>; <see cref="SameSiteMode.Unspecified"/>
    /// leaves it out). Browsers accept <see cref="SameSiteMode.None"/> only over HTTPS, where the cookie is marked
    /// <c>Secure</c> (the only case: the reference server never sets it either).
    /// </summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;
}
