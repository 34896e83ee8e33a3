using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace RoomFacade.Testing.EndToEnd;

/// <summary>The "message" event payload as the real SignalR client receives it.</summary>
public sealed record ReceivedMessage(string? Room, string From, string Text);

/// <summary>
/// A real SignalR .NET client connected to a hub of the ChatRooms example, recording every "message" event.
/// </summary>
public sealed class TestChatClient : IAsyncDisposable
{
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();

    private TestChatClient(HubConnection connection, string hubUrl)
    {
        Connection = connection;
        HubUrl = hubUrl;
        connection.On<ReceivedMessage>("message", m => _messages.Writer.TryWrite(m));
    }

    public HubConnection Connection { get; }

    public string HubUrl { get; }

    /// <summary>The connection id, kept after the connection stops.</summary>
    public string Id => _id ?? throw new InvalidOperationException("Not connected yet.");

    private string? _id;

    /// <summary>Connects to <paramref name="baseUrl"/> + <paramref name="hubPath"/> (for example "/chat").</summary>
    public static async Task<TestChatClient> ConnectAsync(string baseUrl, string hubPath = "/chat")
    {
        var url = baseUrl.TrimEnd('/') + hubPath;
        var connection = new HubConnectionBuilder()
            .WithUrl(url)
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();
        var client = new TestChatClient(connection, url);
        await connection.StartAsync().DefaultTimeout();
        client._id = connection.ConnectionId;

        // SignalR completes the handshake before the hub's OnConnectedAsync (where the connection enters the index)
        // has run; the first invocation is processed after it. One round trip makes "connected" mean "indexed".
        await client.InvokeAsync<Dictionary<string, bool>>("GetRoomClients", client.Id);
        return client;
    }

    public Task InvokeAsync(string method, params object?[] args) => Connection.InvokeCoreAsync(method, args).DefaultTimeout();

    public Task<T> InvokeAsync<T>(string method, params object?[] args) => Connection.InvokeCoreAsync<T>(method, args).DefaultTimeout();

    /// <summary>The next message received (bounded wait).</summary>
    public async Task<ReceivedMessage> NextMessageAsync(TimeSpan? timeout = null)
        => await _messages.Reader.ReadAsync().AsTask().DefaultTimeout(timeout);

    /// <summary>Reads messages until one with <paramref name="text"/> arrives; returns the ones before it.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ReadUntilAsync(string text, TimeSpan? timeout = null)
    {
        var before = new List<ReceivedMessage>();
        while (true)
        {
            var message = await NextMessageAsync(timeout);
            if (message.Text == text)
            {
                return before;
            }

            before.Add(message);
        }
    }

    /// <summary>Messages already received and not yet read.</summary>
    public IReadOnlyList<ReceivedMessage> DrainReceived()
    {
        var list = new List<ReceivedMessage>();
        while (_messages.Reader.TryRead(out var m))
        {
            list.Add(m);
        }

        return list;
    }

    /// <summary>Stops the connection (a clean disconnect).</summary>
    public Task StopAsync() => Connection.StopAsync().DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync().AsTask().DefaultTimeout();
        }
        catch (Exception)
        {
            // Disposal of an already broken connection must not fail a test's clean-up.
        }
    }
}
