using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;

namespace RoomFacade.SocketIO.Tests;

/// <summary>Starts Kestrel on 127.0.0.1 with the three test hubs as namespaces, SignalR on /hub and Socket.IO on /socket.io.</summary>
public static class SocketIOTestHost
{
    /// <param name="configure">Socket.IO options.</param>
    /// <param name="url">The address to listen on (a free port when <see langword="null"/>), to restart a server on the same port.</param>
    /// <param name="services">More registrations, made last (they replace earlier ones).</param>
    public static Task<TestServer> StartAsync(Action<SocketIOOptions>? configure = null, string? url = null, Action<IServiceCollection>? services = null) => TestServer.StartAsync(args =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSignalR();
        builder.Services.AddAuthorization();
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<MainHub>()
            .AddNamespace<OtherHub>("/other")
            .AddNamespace<SecretHub>("/secret")
            .AddNamespace<FailingHub>("/failing")
            .AddNamespace<RefusingHub>("/refusing")
            .AddNamespace<VipHub>("/vip")
            .AddJoinAuthorizer(HasVipPass)
            .AddSocketIO(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapHub<MainHub>("/hub");
        app.MapSocketIO("/socket.io");
        return app;
    }, url is null ? [] : ["--urls", url]);

    /// <summary>The join authorizer: the room "vip" needs <c>auth: { pass: "gold" }</c> in the Socket.IO CONNECT.</summary>
    private static bool HasVipPass(RoomJoinContext context)
        => context.Room != "vip"
            || (context.Features?.Get<ISocketIOFeature>()?.Auth is { ValueKind: System.Text.Json.JsonValueKind.Object } auth
                && auth.TryGetProperty("pass", out var pass) && pass.ValueKind == System.Text.Json.JsonValueKind.String && pass.GetString() == "gold");
}
