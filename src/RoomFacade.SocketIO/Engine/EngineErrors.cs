using Microsoft.AspNetCore.Http;

namespace RoomFacade.SocketIO.Engine;

/// <summary>The error responses of the Engine.IO reference server: JSON <c>{"code":N,"message":"…"}</c>, 403 for code 4, 400 otherwise.</summary>
internal static class EngineErrors
{
    public static readonly EngineError TransportUnknown = new(0, "Transport unknown");
    public static readonly EngineError UnknownSid = new(1, "Session ID unknown");
    public static readonly EngineError BadHandshakeMethod = new(2, "Bad handshake method");
    public static readonly EngineError BadRequest = new(3, "Bad request");
    public static readonly EngineError Forbidden = new(4, "Forbidden");
    public static readonly EngineError UnsupportedProtocolVersion = new(5, "Unsupported protocol version");

    public static async Task WriteAsync(HttpContext context, EngineError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.Code == 4 ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"code\":{error.Code},\"message\":\"{error.Message}\"}}", context.RequestAborted).ConfigureAwait(false);
    }

    public sealed record EngineError(int Code, string Message);
}
