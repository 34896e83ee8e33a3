using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoomFacade.SocketIO.Engine;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>The request handler of a Socket.IO endpoint: Engine.IO sessions, each with a Socket.IO layer on top.</summary>
internal sealed class SocketIOEndpoint(EngineIOServer engine, NamespaceResolver resolver, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("RoomFacade.SocketIO");

    public Task HandleAsync(HttpContext context) => engine.HandleAsync(context, (session, request) =>
        session.Handler = new SocketIOConnection(session, HandshakeSnapshot.Create(request), resolver, time, _logger));
}
