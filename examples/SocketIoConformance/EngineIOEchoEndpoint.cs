using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoomFacade.SocketIO;
using RoomFacade.SocketIO.Engine;

namespace SocketIoConformance;

/// <summary>
/// A raw Engine.IO endpoint that echoes every message, for the Engine.IO suite. It drives RoomFacade.SocketIO's
/// internal Engine.IO server (granted to this example only); applications use <c>MapSocketIO</c>.
/// </summary>
public static class EngineIOEchoEndpoint
{
    public static IEndpointConventionBuilder MapEngineIOEcho(this IEndpointRouteBuilder endpoints, string pattern)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SocketIOOptions>>();
        var server = new EngineIOServer(options, TimeProvider.System, NullLoggerFactory.Instance);
        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(context => server.HandleAsync(context, (session, _) => session.Handler = new Echo(session)));
        return endpoints.Map(pattern, pipeline.Build());
    }

    private sealed class Echo(EngineIOSession session) : IEngineMessageHandler
    {
        public void OnTextMessage(string text) => session.Send(EngineFrame.FromText("4" + text));

        public void OnBinaryMessage(byte[] data) => session.Send(EngineFrame.FromBinary(data));

        public void OnClose(string reason)
        {
        }
    }
}
