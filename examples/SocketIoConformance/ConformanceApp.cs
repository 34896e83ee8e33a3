using Microsoft.AspNetCore.SignalR;
using RoomFacade.SocketIO;

namespace SocketIoConformance;

/// <summary>
/// The server the Engine.IO v4 and Socket.IO v5 protocol test suites expect (their README's configuration):
/// <c>http://localhost:3000</c>, pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1,000,000, connectTimeout 1 s,
/// CORS <c>*</c>; Socket.IO on <c>/socket.io/</c> (<see cref="MainNamespaceHub"/> and <see cref="CustomNamespaceHub"/>)
/// and a raw Engine.IO echo on <c>/engine.io/</c>.
/// </summary>
public static class ConformanceApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://localhost:3000");
        }

        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 1_000_000);
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<MainNamespaceHub>()
            .AddNamespace<CustomNamespaceHub>("/custom")
            .AddSocketIO(o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(300);
                o.PingTimeout = TimeSpan.FromMilliseconds(200);
                o.MaxPayload = 1_000_000;
                o.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
                o.AllowedOrigins.Add("*");
            });

        var app = builder.Build();
        app.MapSocketIO("/socket.io");
        app.MapEngineIOEcho("/engine.io");
        return app;
    }
}

/// <summary>Namespace <c>/</c>: emits <c>"auth"</c> on connect, echoes <c>"message"</c>, acks <c>"message-with-ack"</c>.</summary>
public sealed class MainNamespaceHub : Hub
{
    public override Task OnConnectedAsync() => Clients.Caller.SendAsync("auth", Context.Features.Get<ISocketIOFeature>()?.Auth);

    [HubMethodName("message")]
    public Task Message(SocketIOArguments args) => Clients.Caller.SendCoreAsync("message-back", args.ToArray());

    [HubMethodName("message-with-ack")]
    public SocketIOArguments MessageWithAck(SocketIOArguments args) => args;
}

/// <summary>Namespace <c>/custom</c>: emits <c>"auth"</c> on connect.</summary>
public sealed class CustomNamespaceHub : Hub
{
    public override Task OnConnectedAsync() => Clients.Caller.SendAsync("auth", Context.Features.Get<ISocketIOFeature>()?.Auth);
}
