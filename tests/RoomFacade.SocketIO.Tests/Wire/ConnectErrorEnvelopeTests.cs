using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The CONNECT_ERROR envelope keeps the protocol's key names; only its data goes through the payload options.</summary>
public sealed class ConnectErrorEnvelopeTests
{
    [Fact]
    public async Task The_envelope_keys_ignore_the_DictionaryKeyPolicy_and_the_data_uses_the_payload_options()
    {
        await using var server = await StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40/pascal,")).Dispose();

        // The payload options' camelCase naming turns ReasonCode into reasonCode; their DictionaryKeyPolicy (upper case)
        // does not touch "message" and "data".
        Assert.Equal("44/pascal,{\"message\":\"no\",\"data\":{\"reasonCode\":\"x\"}}", await wire.PollUntilAsync(sid, p => p.StartsWith("44", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Data_that_cannot_be_serialized_still_sends_the_connect_error_with_its_message()
    {
        await using var server = await StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40/unserializable,")).Dispose();

        Assert.Equal("44/unserializable,{\"message\":\"refused\"}", await wire.PollUntilAsync(sid, p => p.StartsWith("44", StringComparison.Ordinal)));
    }

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(args =>
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseUpper);
        builder.Services.AddRoomFacade()
            .AddDefaultNamespace<OtherHub>()
            .AddNamespace<PascalRefusingHub>("/pascal")
            .AddNamespace<UnserializableRefusingHub>("/unserializable")
            .AddSocketIO();
        var app = builder.Build();
        app.MapSocketIO("/socket.io");
        return app;
    });

    /// <summary>Refuses with data whose property is PascalCase in C#.</summary>
    public sealed class PascalRefusingHub : Hub
    {
        public override Task OnConnectedAsync() => throw new SocketIOConnectRefusedException("no", new RefusalData("x"));
    }

    /// <summary>Refuses with data whose serialization throws.</summary>
    public sealed class UnserializableRefusingHub : Hub
    {
        public override Task OnConnectedAsync() => throw new SocketIOConnectRefusedException("refused", new ThrowingData());
    }

    public sealed record RefusalData(string ReasonCode);

    public sealed class ThrowingData
    {
        public string Value => throw new InvalidOperationException("not serializable");
    }
}
