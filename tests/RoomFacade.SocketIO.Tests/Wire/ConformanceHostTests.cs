using System.Net.WebSockets;
using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using SocketIoConformance;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The conformance host (examples/SocketIoConformance) answers byte for byte as the reference server.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ConformanceHostTests
{
    private static Task<TestServer> StartAsync() => TestServer.StartAsync(ConformanceApp.Create);

    private static async Task<WebSocket> ConnectMainAsync(EngineWire wire)
    {
        var socket = await wire.OpenWebSocketAsync("EIO=4&transport=websocket");
        await EngineWire.ReceiveAsync(socket); // open
        await EngineWire.SendTextAsync(socket, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveSkippingPingsAsync(socket));
        Assert.Equal("42[\"auth\",{}]", await ReceiveSkippingPingsAsync(socket));
        return socket;
    }

    private static async Task<string> ReceiveSkippingPingsAsync(WebSocket socket)
    {
        while (true)
        {
            var message = await EngineWire.ReceiveAsync(socket);
            if (message != "2")
            {
                return message;
            }

            await EngineWire.SendTextAsync(socket, "3");
        }
    }

    [Fact]
    public async Task Message_is_echoed_and_acked_with_all_its_arguments_number_literals_and_binary_kept()
    {
        await using var server = await StartAsync();
        using var wire = new EngineWire(server.BaseUrl);

        // The host's 300 ms ping and 200 ms pong timeout are tighter than a cold JIT: warm both sides with one
        // throwaway connection first, as the protocol suites' README advises for the reference server too.
        using (var warmUp = await wire.OpenWebSocketAsync("EIO=4&transport=websocket"))
        {
            await EngineWire.ReceiveAsync(warmUp);
            await EngineWire.SendTextAsync(warmUp, "40");
            await ReceiveSkippingPingsAsync(warmUp);
            await ReceiveSkippingPingsAsync(warmUp);
        }

        using var socket = await ConnectMainAsync(wire);

        await EngineWire.SendTextAsync(socket, "42[\"message\",1,\"2\",{\"3\":[true]}]");
        Assert.Equal("42[\"message-back\",1,\"2\",{\"3\":[true]}]", await ReceiveSkippingPingsAsync(socket));

        await EngineWire.SendTextAsync(socket, "42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        Assert.Equal("43456[1,\"2\",{\"3\":[false]}]", await ReceiveSkippingPingsAsync(socket));

        await EngineWire.SendTextAsync(socket, "452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None).DefaultTimeout();
        await socket.SendAsync(new byte[] { 4, 5, 6 }, WebSocketMessageType.Binary, true, CancellationToken.None).DefaultTimeout();
        Assert.Equal("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await ReceiveSkippingPingsAsync(socket));
        Assert.Equal("binary:" + Convert.ToBase64String([1, 2, 3]), await ReceiveSkippingPingsAsync(socket));
        Assert.Equal("binary:" + Convert.ToBase64String([4, 5, 6]), await ReceiveSkippingPingsAsync(socket));
    }

    [Fact]
    public async Task The_raw_Engine_IO_endpoint_echoes_text_and_binary()
    {
        await using var server = await StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/engine.io/?EIO=4&transport=websocket"), CancellationToken.None).DefaultTimeout();
        Assert.StartsWith("0{", await EngineWire.ReceiveAsync(socket));

        await EngineWire.SendTextAsync(socket, "4hello");
        Assert.Equal("4hello", await ReceiveSkippingPingsAsync(socket));
        await socket.SendAsync(new byte[] { 1, 2, 3, 4 }, WebSocketMessageType.Binary, true, CancellationToken.None).DefaultTimeout();
        Assert.Equal("binary:" + Convert.ToBase64String([1, 2, 3, 4]), await ReceiveSkippingPingsAsync(socket));
    }
}
