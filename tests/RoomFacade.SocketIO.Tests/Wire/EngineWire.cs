using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>Raw Engine.IO v4 requests with <see cref="HttpClient"/> and <see cref="ClientWebSocket"/>, for the wire-level tests.</summary>
public sealed class EngineWire(string baseUrl) : IDisposable
{
    public const char Separator = '\x1e';

    public HttpClient Http { get; } = new() { Timeout = TaskTimeoutExtensions.DefaultTimeoutSpan };

    public string Url(string query) => $"{baseUrl}/socket.io/?{query}";

    /// <summary>A polling handshake; returns the sid and the open packet's JSON.</summary>
    public async Task<(string Sid, JsonElement Open)> HandshakeAsync()
    {
        var body = await Http.GetStringAsync(Url("EIO=4&transport=polling")).DefaultTimeout();
        Assert.StartsWith("0", body);
        var open = JsonDocument.Parse(body[1..]).RootElement.Clone();
        return (open.GetProperty("sid").GetString()!, open);
    }

    public Task<HttpResponseMessage> GetAsync(string sid, CancellationToken cancellationToken = default)
        => Http.GetAsync(Url($"EIO=4&transport=polling&sid={sid}"), cancellationToken).DefaultTimeout();

    public async Task<string> PollAsync(string sid)
    {
        using var response = await GetAsync(sid);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync().DefaultTimeout();
    }

    public Task<HttpResponseMessage> PostAsync(string sid, string payload)
        => Http.PostAsync(Url($"EIO=4&transport=polling&sid={sid}"), new StringContent(payload, Encoding.UTF8, "text/plain")).DefaultTimeout();

    /// <summary>Polls until a payload holds a packet matching <paramref name="match"/> (pings are answered on the way).</summary>
    public async Task<string> PollUntilAsync(string sid, Func<string, bool> match)
    {
        using var bound = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        while (true)
        {
            bound.Token.ThrowIfCancellationRequested();
            var packets = (await PollAsync(sid)).Split(Separator);
            if (packets.Contains("2"))
            {
                (await PostAsync(sid, "3")).Dispose();
            }

            if (packets.FirstOrDefault(match) is { } found)
            {
                return found;
            }
        }
    }

    public async Task<ClientWebSocket> OpenWebSocketAsync(string query)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(Url(query).Replace("http://", "ws://", StringComparison.Ordinal)), CancellationToken.None).DefaultTimeout();
        return socket;
    }

    public static Task SendTextAsync(WebSocket socket, string text)
        => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();

    /// <summary>Receives one message: text, or "binary:" + base64, or "close:" + status.</summary>
    public static async Task<string> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return "close:" + result.CloseStatus;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Binary
                    ? "binary:" + Convert.ToBase64String(message.ToArray())
                    : Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    public void Dispose() => Http.Dispose();
}
