namespace RoomFacade.SocketIO;

/// <summary>
/// Options of the Socket.IO endpoint (Engine.IO v4 transport and Socket.IO v5 protocol). The defaults are those of the
/// Node reference server (socket.io 4.8), so clients need no change.
/// </summary>
public sealed class SocketIOOptions
{
    /// <summary>How often the server sends a ping (Engine.IO <c>pingInterval</c>, default 25 s).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long the server waits for the client's pong before closing with "ping timeout" (default 20 s).</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an upgrade from polling to WebSocket may take before the probe socket is closed (default 10 s).</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a new Engine.IO connection may stay without joining any namespace before it is closed (default 45 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// The largest HTTP POST body or WebSocket message accepted, in bytes (Engine.IO <c>maxPayload</c>, default 1,000,000).
    /// Larger input closes the connection (HTTP 413 over polling, close over WebSocket). The hub's SignalR limit
    /// (<c>HubOptions.MaximumReceiveMessageSize</c>, 32 KB by default) still applies to each event.
    /// </summary>
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>
    /// The most Engine.IO packets waiting to be sent to one client (default 10,000; a binary attachment is a packet).
    /// A client that stops reading (no polling request, a WebSocket whose TCP window stays full) reaches it; its session is
    /// then closed at once, with a warning in the log and the <c>roomfacade.socketio.slow_client_closes</c> counter, and
    /// its sockets leave their rooms. Nothing is dropped silently and other clients are not held up.
    /// </summary>
    public int MaxBufferedPackets { get; set; } = 10_000;

    /// <summary>
    /// Origins allowed to connect from a browser (CORS for polling, the <c>Origin</c> header for WebSocket), such as
    /// <c>https://app.example.com</c>; <c>"*"</c> allows any origin. Empty (the default): no CORS headers are sent and
    /// the <c>Origin</c> header is not checked, as in the reference server with <c>cors</c> unset.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// The affinity cookie set on each handshake response, holding the session id (Engine.IO's <c>cookie</c> option);
    /// <see langword="null"/> (the default): no cookie. Set it when a load balancer routes polling clients by cookie.
    /// </summary>
    public SocketIOCookieOptions? Cookie { get; set; }
}
