using RoomFacade;
using StackExchange.Redis;
using V4Chat.Hubs;

namespace V4Chat;

/// <summary>
/// The Socket.IO v4 chat of <c>docs/porting.md</c>, ported line by line: <c>Program</c> runs it and the end-to-end tests
/// host it on a loopback port (one server, or two behind Redis with <c>ConnectionStrings:Redis</c>).
/// </summary>
public static class V4ChatApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var signalR = builder.Services.AddSignalR();
        var rooms = builder.Services.AddRoomFacade(o => o.OnDisconnectedRuns = HubDisconnectMoment.AfterLeavingRooms)
            .AddDefaultNamespace<ChatHub>()             // io (the "/" namespace)
            .AddRoomEventHandler<SweptUserNotifier>();  // "user left" for users of a crashed server
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            var prefix = builder.Configuration["RoomFacade:Redis:KeyPrefix"] ?? "v4chat";
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
            rooms.AddRedisStore(redis, o =>
            {
                o.KeyPrefix = prefix;
                builder.Configuration.GetSection("RoomFacade:Redis").Bind(o);
            });
        }

        var app = builder.Build();
        app.MapHub<ChatHub>("/socket");
        return app;
    }
}
