using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using SocketIOClient;
using SocketIOClient.Transport;
using ClientOptions = SocketIOClient.SocketIOOptions;
using Xunit;

namespace RoomFacade.SocketIO.Tests.EndToEnd;

/// <summary>The .NET Socket.IO client (NuGet <c>SocketIOClient</c> 3.0.6) against the RoomFacade endpoint.</summary>
public sealed class DotNetClientTests
{
    [Theory]
    [InlineData(TransportProtocol.WebSocket)]
    [InlineData(TransportProtocol.Polling)]
    public async Task Connects_with_auth_and_exchanges_events_and_acks_both_ways(TransportProtocol transport)
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var client = Create(server.BaseUrl, transport, new { token = "dotnet" });
        var welcome = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("welcome", response => welcome.TrySetResult(response.GetValue(0)));
        client.On("question", response => _ = response.CallbackAsync(response.GetValue<string>(0).Length));

        await ConnectAsync(client);
        Assert.True(client.Connected);

        // Server -> client event, sent from OnConnectedAsync with the CONNECT auth payload.
        var payload = await welcome.Task.DefaultTimeout();
        Assert.Equal(client.Id, payload.GetProperty("id").GetString());
        Assert.Equal("dotnet", payload.GetProperty("auth").GetProperty("token").GetString());

        // Client -> server event with an ack: the hub method's return value.
        var sum = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("Add", response => sum.TrySetResult(response.GetValue<int>(0)), 20, 22).DefaultTimeout();
        Assert.Equal(42, await sum.Task.DefaultTimeout());

        // Client -> server event without an ack, then a room broadcast back to the client.
        var said = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("group", response => said.TrySetResult(response.GetValue<string>(0)));
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("Join", _ => joined.TrySetResult(), "net").DefaultTimeout();
        await joined.Task.DefaultTimeout();
        await server.Rooms.Sockets.In("net").EmitAsync("group", "to the room").DefaultTimeout();
        Assert.Equal("to the room", await said.Task.DefaultTimeout());

        // Server -> client with an ack: a SignalR client result answered by the client's callback.
        var hub = server.Services.GetRequiredService<IHubContext<MainHub>>();
        var length = await hub.Clients.Client(client.Id).InvokeAsync<int>("question", "how long?", CancellationToken.None).DefaultTimeout();
        Assert.Equal(9, length);
    }

    [Fact]
    public async Task Binary_travels_both_ways_as_attachments()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var client = Create(server.BaseUrl, TransportProtocol.WebSocket, null);
        var bytes = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("bytes", response => bytes.TrySetResult(response));
        await ConnectAsync(client);

        var reversed = new TaskCompletionSource<SocketIOResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.EmitAsync("Reverse", response => reversed.TrySetResult(response), new byte[] { 1, 2, 3 }).DefaultTimeout();
        var ack = await reversed.Task.DefaultTimeout();
        Assert.Equal([3, 2, 1], Assert.Single(ack.InComingBytes));

        await client.EmitAsync("SendBinary").DefaultTimeout();
        var received = await bytes.Task.DefaultTimeout();
        Assert.Equal(2, received.InComingBytes.Count);
        Assert.Equal([1, 2, 3], received.InComingBytes[0]);
        Assert.Equal([4], received.InComingBytes[1]);
        Assert.Equal("b", received.GetValue(0).GetProperty("name").GetString());
    }

    /// <summary>Connects and waits for the namespace CONNECT reply (the client's ConnectAsync may return before it).</summary>
    private static async Task ConnectAsync(SocketIOClient.SocketIO client)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnected += (_, _) => connected.TrySetResult();
        await client.ConnectAsync().DefaultTimeout();
        await connected.Task.DefaultTimeout();
    }

    private static SocketIOClient.SocketIO Create(string baseUrl, TransportProtocol transport, object? auth) => new(baseUrl + "/", new ClientOptions
    {
        EIO = 4,
        Transport = transport,
        Auth = auth,
        Reconnection = false,
        ConnectionTimeout = TaskTimeoutExtensions.DefaultTimeoutSpan,
    });
}
