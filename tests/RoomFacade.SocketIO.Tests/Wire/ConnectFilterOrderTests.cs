using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The Socket.IO connect filter wraps every application hub filter, whenever that one was registered.</summary>
public sealed class ConnectFilterOrderTests
{
    [Fact]
    public async Task A_HubException_from_a_filter_registered_before_AddSocketIO_is_a_CONNECT_ERROR()
    {
        await using var server = await TestServer.StartAsync(args =>
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddSignalR(o => o.AddFilter<RefusingFilter>());
            builder.Services.AddRoomFacade().AddDefaultNamespace<OtherHub>().AddSocketIO();
            var app = builder.Build();
            app.MapSocketIO("/socket.io");
            return app;
        });
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40")).Dispose();

        Assert.Equal("44{\"message\":\"filtered out\"}", await wire.PollUntilAsync(sid, p => p is "1" || p.StartsWith("4", StringComparison.Ordinal)));
    }

    /// <summary>Refuses every connection in its OnConnectedAsync.</summary>
    public sealed class RefusingFilter : IHubFilter
    {
        public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next) => throw new HubException("filtered out");
    }
}
