using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;
using RoomFacade.Internal;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>A hub whose methods fail with RoomFacade's errors and with the application's own.</summary>
public sealed class ErrorsHub(IRoomManager rooms) : Hub
{
    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);

    public Task JoinOther(string connectionId, string room) => rooms.JoinAsync(connectionId, room);

    public Task Namespace(string name) => rooms.Of(name).EmitAsync("x");

    public Task AppFailure() => throw new ArgumentException("app secret");
}

public sealed class ClearErrorsTests
{
    private static Task<TestServer> StartAsync(bool? clearErrors) => TestServer.StartAsync(args =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSignalR();
        builder.Services.AddRoomFacade(o => o.ClearErrors = clearErrors ?? o.ClearErrors).AddDefaultNamespace<ErrorsHub>();
        var app = builder.Build();
        app.MapHub<ErrorsHub>("/errors");
        return app;
    });

    private static async Task<string> MessageOfAsync(HubConnection connection, string method, params object?[] args)
        => (await Assert.ThrowsAsync<HubException>(() => connection.InvokeCoreAsync(method, args)).DefaultTimeout()).Message;

    [Fact]
    public async Task RoomFacade_errors_reach_the_caller_by_default_and_the_apps_own_errors_stay_hidden()
    {
        await using var server = await StartAsync(clearErrors: null);
        await using var connection = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/errors").Build();
        await connection.StartAsync().DefaultTimeout();

        Assert.Contains("catch-all", await MessageOfAsync(connection, "Join", ""));
        Assert.Contains("MaxRoomNameLength", await MessageOfAsync(connection, "Join", new string('x', 300)));
        Assert.Contains("Value cannot be null", await MessageOfAsync(connection, "Join", [null]));
        Assert.Contains("'ghost' is not connected", await MessageOfAsync(connection, "JoinOther", "ghost", "room"));
        Assert.Contains("'/nope' is not registered", await MessageOfAsync(connection, "Namespace", "/nope"));
        Assert.DoesNotContain("secret", await MessageOfAsync(connection, "AppFailure"));
    }

    [Fact]
    public async Task With_ClearErrors_off_SignalR_hides_them_as_usual()
    {
        await using var server = await StartAsync(clearErrors: false);
        await using var connection = new HubConnectionBuilder().WithUrl(server.BaseUrl + "/errors").Build();
        await connection.StartAsync().DefaultTimeout();

        Assert.DoesNotContain("catch-all", await MessageOfAsync(connection, "Join", ""));
    }
}
