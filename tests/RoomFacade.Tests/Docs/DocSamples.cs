using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Tests.Docs;

/// <summary>
/// The code of the documentation's C# blocks that are not taken from the example app: compiled here, and matched line
/// by line by <see cref="DocSnippetTests"/>, so a block that stops compiling or drifts fails the build or the test.
/// </summary>
internal static class DocSamples
{
    /// <summary>src/RoomFacade/PACKAGE.md: one server.</summary>
    public static void SingleServer(WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<ChatHub>()      // io.sockets
            .AddNamespace<NewsHub>("/news");     // io.of('/news')
    }

    /// <summary>README.md, docs/porting.md and src/RoomFacade.Redis/PACKAGE.md: scale-out with Redis.</summary>
    public static void ScaleOut(WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR().AddStackExchangeRedis("127.0.0.1:6379");
        builder.Services.AddRoomFacade().AddDefaultNamespace<ChatHub>().AddRedisStore("127.0.0.1:6379");
        builder.Services.AddHealthChecks().AddRoomFacadeRedis();
    }

    /// <summary>README.md: scale-out with RoomFacade's own backplane instead of SignalR's.</summary>
    public static void OwnBackplane(WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddRoomFacade().AddDefaultNamespace<ChatHub>().AddRedisStore("127.0.0.1:6379").AddRedisBackplane();
    }

    /// <summary>docs/porting.md: the v4 chat behind Redis.</summary>
    public static void V4ScaleOut(WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR().AddStackExchangeRedis("127.0.0.1:6379");
        builder.Services.AddRoomFacade(o => o.OnDisconnectedRuns = HubDisconnectMoment.AfterLeavingRooms)
            .AddDefaultNamespace<ChatHub>().AddRedisStore("127.0.0.1:6379");
    }

    /// <summary>The hub of src/RoomFacade/PACKAGE.md.</summary>
    public class ChatHub(IRoomManager rooms) : Hub
    {
        public Task Subscribe(string room) => rooms.Socket(this).JoinAsync(room);
        public Task Say(string room, string text) => rooms.Socket(this).Broadcast.To(room).EmitAsync("message", text);
        public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> Rooms() => rooms.Manager.GetRoomsAsync();
    }

    /// <summary>A second namespace for the samples.</summary>
    public sealed class NewsHub : Hub;
}
