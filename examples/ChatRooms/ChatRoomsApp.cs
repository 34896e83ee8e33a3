using System.Net;
using ChatRooms.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.SocketIO;
using StackExchange.Redis;

namespace ChatRooms;

/// <summary>Builds the chat application; <c>Program</c> runs it and the end-to-end tests host it on a loopback port.</summary>
public static class ChatRoomsApp
{
    /// <summary>The authorization policy protecting the room diagnostics: here, requests from this machine only.</summary>
    public const string DiagnosticsPolicy = "RoomFacadeDiagnostics";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var signalR = builder.Services.AddSignalR(o => o.AddFilter<RedisErrorsHubFilter>());
        var rooms = builder.Services.AddRoomFacade()
            .AddDefaultNamespace<ChatHub>()      // io.sockets
            .AddNamespace<NewsHub>("/news")      // io.of('/news')
            .AddJoinAuthorizer(join => !join.Room.StartsWith("admin:", StringComparison.Ordinal) || join.User?.IsInRole("admin") == true)
            .AddSocketIO();                      // socket.io-client 4.x: namespace "/" = ChatHub, "/news" = NewsHub

        // Socket.IO options from the RoomFacade:SocketIO section, e.g. --RoomFacade:SocketIO:Cookie:Name=io sets the
        // affinity cookie for polling clients behind a load balancer.
        builder.Services.Configure<SocketIOOptions>(builder.Configuration.GetSection("RoomFacade:SocketIO"));
        var health = builder.Services.AddHealthChecks();

        // Scale-out: with ConnectionStrings:Redis set, the Redis room index answers room queries for every server, and
        // a backplane routes messages between servers: RoomFacade's own (default), or SignalR's stock one with
        // --RoomFacade:Redis:Backplane=SignalR. Every server of a fleet must use the same backplane.
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            var redisOptions = builder.Configuration.GetSection("RoomFacade:Redis");
            var prefix = redisOptions["KeyPrefix"] ?? "chatrooms";
            rooms.AddRedisStore(redis, o =>
            {
                o.KeyPrefix = prefix;
                redisOptions.Bind(o);           // RoomFacade:Redis:ServerTimeout, HeartbeatInterval, OperationTimeout...
            });
            switch (redisOptions["Backplane"] ?? "RoomFacade")
            {
                case "RoomFacade":
                    rooms.AddRedisBackplane();
                    break;
                case "SignalR":
                    signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
                    break;
                case var other:
                    throw new InvalidOperationException($"RoomFacade:Redis:Backplane must be 'RoomFacade' or 'SignalR', not '{other}'.");
            }

            health.AddRoomFacadeRedis();
        }

        // DEMO ONLY: ?user=alice&role=admin signs a connection in, to show the admin: room rule above.
        builder.Services.AddAuthentication(DemoAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DemoAuthenticationHandler>(DemoAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(DiagnosticsPolicy, p => p.RequireAssertion(
            ctx => ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip))));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbidWithoutChallengeResultHandler>();

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHub<ChatHub>("/chat");
        app.MapHub<NewsHub>("/news");
        app.MapSocketIO("/socket.io");          // the same hubs for Socket.IO clients
        app.MapHealthChecks("/healthz");
        app.MapRoomFacadeDiagnostics("/roomfacade", DiagnosticsPolicy);   // read-only JSON for the dashboard
        return app;
    }
}
