using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RoomFacade.SocketIO.Engine;

/// <summary>
/// The Engine.IO v4 server of one endpoint: validates requests (protocol version, transport, sid, method, origin),
/// creates sessions and hands each request to its transport.
/// </summary>
internal sealed partial class EngineIOServer
{
    private readonly ConcurrentDictionary<string, EngineIOSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly EngineMetrics? _metrics;
    private readonly ILogger _logger;
    private int _stopping;

    /// <summary>Creates the server; when the application stops, every session is closed (see <see cref="CloseAll"/>).</summary>
    public EngineIOServer(IOptions<SocketIOOptions> options, TimeProvider time, ILoggerFactory loggers, EngineMetrics? metrics = null, IHostApplicationLifetime? lifetime = null)
    {
        Options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger("RoomFacade.SocketIO.Engine");
        lifetime?.ApplicationStopping.Register(CloseAll);
    }

    public SocketIOOptions Options { get; }

    public int SessionCount => _sessions.Count;

    public EngineIOSession? Find(string sid) => _sessions.GetValueOrDefault(sid);

    /// <summary>Handles one request; <paramref name="onOpen"/> attaches the layer above to a new session.</summary>
    public async Task HandleAsync(HttpContext context, Action<EngineIOSession, HttpContext> onOpen)
    {
        if (!ApplyCors(context, out var originAllowed))
        {
            return;
        }

        if (!originAllowed)
        {
            await EngineErrors.WriteAsync(context, EngineErrors.Forbidden).ConfigureAwait(false);
            return;
        }

        var query = context.Request.Query;
        var transport = query["transport"].ToString();
        if (transport is not ("polling" or "websocket"))
        {
            await EngineErrors.WriteAsync(context, EngineErrors.TransportUnknown).ConfigureAwait(false);
            return;
        }

        if (query["EIO"].ToString() != "4")
        {
            await EngineErrors.WriteAsync(context, EngineErrors.UnsupportedProtocolVersion).ConfigureAwait(false);
            return;
        }

        var isWebSocket = transport == "websocket";
        if (isWebSocket != context.WebSockets.IsWebSocketRequest)
        {
            await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        var sid = query["sid"].ToString();
        if (sid.Length > 0)
        {
            await HandleExistingAsync(context, sid, isWebSocket).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await EngineErrors.WriteAsync(context, EngineErrors.BadHandshakeMethod).ConfigureAwait(false);
            return;
        }

        var session = new EngineIOSession(NewId(), Options, _time, _logger, Forget, _ => _metrics?.SlowClientClosed());
        _sessions[session.Id] = session;
        if (Volatile.Read(ref _stopping) != 0)
        {
            // Checked after the session is listed: CloseAll, which sets the flag first, either sees it or this refuses it.
            _sessions.TryRemove(session.Id, out _);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        _metrics?.SessionOpened();
        SetAffinityCookie(context, session.Id);
        onOpen(session, context);
        if (isWebSocket)
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            session.Send(EngineFrame.FromText(session.OpenPacket(upgradable: false)));
            session.Start(EngineTransport.WebSocket);
            await WebSocketTransport.RunAsync(session, socket).ConfigureAwait(false);
        }
        else
        {
            session.Start(EngineTransport.Polling);
            context.Response.ContentType = "text/plain; charset=UTF-8";
            await context.Response.WriteAsync(session.OpenPacket(upgradable: true), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Engine.IO's <c>cookie</c> option: the session id in a cookie on the handshake response (before a 101 too).</summary>
    private void SetAffinityCookie(HttpContext context, string sid)
    {
        if (Options.Cookie is not { } cookie)
        {
            return;
        }

        context.Response.Cookies.Append(cookie.Name, sid, new CookieOptions
        {
            Path = cookie.Path,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            Secure = cookie.SameSite == SameSiteMode.None, // browsers drop SameSite=None cookies without Secure
        });
    }

    private void Forget(EngineIOSession session)
    {
        if (_sessions.TryRemove(session.Id, out _))
        {
            _metrics?.SessionClosed();
        }
    }

    private async Task HandleExistingAsync(HttpContext context, string sid, bool isWebSocket)
    {
        // A closed polling session answers one more GET (its close packet or a noop), then its sid is unknown; one whose
        // client has missed its pong by the clock is closed now, whether or not the heartbeat's timer has fired yet.
        if (!_sessions.TryGetValue(sid, out var session) || session.CloseIfPongOverdue() || (session.IsClosed && (isWebSocket || !HttpMethods.IsGet(context.Request.Method))))
        {
            await EngineErrors.WriteAsync(context, EngineErrors.UnknownSid).ConfigureAwait(false);
            return;
        }

        if (isWebSocket)
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            if (session.Transport != EngineTransport.Polling)
            {
                await WebSocketTransport.RejectAsync(socket).ConfigureAwait(false);
                return;
            }

            await WebSocketTransport.UpgradeAsync(session, socket).ConfigureAwait(false);
            return;
        }

        if (session.Transport == EngineTransport.WebSocket)
        {
            await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await PollingTransport.HandleGetAsync(session, context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            await PollingTransport.HandlePostAsync(session, context).ConfigureAwait(false);
        }
        else
        {
            await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies the origin allow-list. Returns <see langword="false"/> when the request was a preflight that is now answered;
    /// <paramref name="originAllowed"/> is <see langword="false"/> when the request's origin is not on the list.
    /// </summary>
    private bool ApplyCors(HttpContext context, out bool originAllowed)
    {
        originAllowed = true;
        var allowed = Options.AllowedOrigins;
        var origin = context.Request.Headers.Origin.ToString();
        if (allowed.Count == 0 || origin.Length == 0)
        {
            return true;
        }

        originAllowed = allowed.Contains("*") || allowed.Contains(origin, StringComparer.OrdinalIgnoreCase);
        if (!originAllowed)
        {
            return true;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            headers.AccessControlAllowMethods = "GET,POST";
            headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders;
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Closes every session with a close packet, as Node's <c>io.close()</c>: long polls and WebSockets end, so the host
    /// stops at once instead of waiting for its shutdown timeout, and clients reconnect (reason "transport close").
    /// From then on new handshakes are answered 503, so no session opened during the stop holds it up.
    /// </summary>
    public void CloseAll()
    {
        Volatile.Write(ref _stopping, 1);
        var count = 0;
        foreach (var session in _sessions.Values)
        {
            try
            {
                session.Close("server shutting down", notifyClient: true);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCloseFailed(_logger, session.Id, ex);
            }

            count++;
        }

        LogClosingAll(_logger, count);
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Closing Engine.IO session {Sid} while the application stops failed; closing the others.")]
    private static partial void LogCloseFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The application is stopping: closing {Count} Engine.IO session(s).")]
    private static partial void LogClosingAll(ILogger logger, int count);

    /// <summary>A 20-character id like the reference <c>base64id</c> (15 random bytes, URL-safe base64).</summary>
    internal static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('/', '_').Replace('+', '-');
}
