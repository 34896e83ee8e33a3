using ChatRooms.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace ChatRooms;

/// <summary>Builds the chat application; <c>Program</c> runs it and the end-to-end tests host it on a loopback port.</summary>
public static class ChatRoomsApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddSignalR(o => o.AddFilter<ClearErrorsHubFilter>());
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<ChatHub>()      // io.sockets
            .AddNamespace<NewsHub>("/news");     // io.of('/news')

        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapHub<ChatHub>("/chat");
        app.MapHub<NewsHub>("/news");
        return app;
    }
}
