using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.SocketIO.Engine;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>Closing every session when the application stops (<see cref="EngineIOServer.CloseAll"/>).</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Once_stopping_new_handshakes_get_503_and_a_failing_close_does_not_stop_the_others()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var engine = server.Services.GetRequiredService<EngineIOServer>();
        var (first, _) = await wire.HandshakeAsync();
        var (second, _) = await wire.HandshakeAsync();
        var sessions = new[] { engine.Find(first)!, engine.Find(second)! };
        foreach (var session in sessions)
        {
            session.Handler = new ThrowingHandler();
        }

        engine.CloseAll();

        Assert.All(sessions, s => Assert.True(s.IsClosed));
        using var late = await wire.Http.GetAsync(wire.Url("EIO=4&transport=polling"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
        Assert.Equal("1", await wire.PollAsync(first));
    }

    private sealed class ThrowingHandler : IEngineMessageHandler
    {
        public void OnTextMessage(string text)
        {
        }

        public void OnBinaryMessage(byte[] data)
        {
        }

        public void OnClose(string reason) => throw new InvalidOperationException("close failed");
    }
}
