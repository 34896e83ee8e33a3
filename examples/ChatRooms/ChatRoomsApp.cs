using ChatRooms.Hubs;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace ChatRooms;

/// <summary>Builds the chat application; <c>Program</c> runs it and the end-to-end tests host it on a loopback port.</summary>
public static class ChatRoomsApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var signalR = builder.Services.AddSignalR(o => o.AddFilter<ClearErrorsHubFilter>());
        var rooms = builder.Services.AddRoomFacade()
            .AddDefaultNamespace<ChatHub>()      // io.sockets
            .AddNamespace<NewsHub>("/news");     // io.of('/news')

        // Scale-out: with ConnectionStrings:Redis set, SignalR's Redis backplane routes messages between servers
        // and the Redis room index answers room queries for all of them.
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            var redisOptions = builder.Configuration.GetSection("RoomFacade:Redis");
            var prefix = redisOptions["KeyPrefix"] ?? "chatrooms";
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
            rooms.AddRedisStore(redis, o =>
            {
                o.KeyPrefix = prefix;
                redisOptions.Bind(o);           // RoomFacade:Redis:ServerTimeout, HeartbeatInterval, OperationTimeout...
            });
        }

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapHub<ChatHub>("/chat");
        app.MapHub<NewsHub>("/news");
        return app;
    }
}
