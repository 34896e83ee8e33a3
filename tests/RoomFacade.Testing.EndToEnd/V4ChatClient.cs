using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace RoomFacade.Testing.EndToEnd;

/// <summary>A real SignalR .NET client of the V4Chat example, recording every event it can receive, by name.</summary>
public sealed class V4ChatClient : IAsyncDisposable
{
    /// <summary>The events the V4Chat server emits.</summary>
    public static readonly string[] Events = ["login", "user joined", "user left", "new message", "typing", "stop typing", "channel joined", "channel left", "private message"];

    private readonly ConcurrentDictionary<string, Channel<JsonElement>> _received = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private V4ChatClient(HubConnection connection, string name)
    {
        Connection = connection;
        Name = name;
        foreach (var eventName in Events)
        {
            var channel = _received.GetOrAdd(eventName, _ => Channel.CreateUnbounded<JsonElement>());
            connection.On<JsonElement>(eventName, payload => channel.Writer.TryWrite(payload));
        }

        connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>The username this client logs in with.</summary>
    public string Name { get; }

    public string Id { get; private set; } = "";

    /// <summary>Completes when the server closed the connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Connects to <paramref name="baseUrl"/>/socket and logs in as <paramref name="name"/> ("add user"); returns the login's numUsers.</summary>
    public static async Task<(V4ChatClient Client, long NumUsers)> LoginAsync(string baseUrl, string name)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(baseUrl.TrimEnd('/') + "/socket")
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();
        var client = new V4ChatClient(connection, name);
        await connection.StartAsync().DefaultTimeout();
        client.Id = connection.ConnectionId!;
        await client.InvokeAsync("add user", name);
        var login = await client.NextAsync("login");
        return (client, login.GetProperty("numUsers").GetInt64());
    }

    public Task InvokeAsync(string method, params object?[] args) => Connection.InvokeCoreAsync(method, args).DefaultTimeout();

    public Task<T> InvokeAsync<T>(string method, params object?[] args) => Connection.InvokeCoreAsync<T>(method, args).DefaultTimeout();

    /// <summary>The next <paramref name="eventName"/> received (bounded wait).</summary>
    public async Task<JsonElement> NextAsync(string eventName, TimeSpan? timeout = null)
        => await _received[eventName].Reader.ReadAsync().AsTask().DefaultTimeout(timeout, $"{Name} waiting for '{eventName}'");

    /// <summary>
    /// Asserts that nothing else arrived: sends this client a private message to itself (after everything the test did)
    /// and checks that no event other than the ones already read came before it.
    /// </summary>
    public async Task<IReadOnlyList<string>> UnreadBeforeMarkerAsync()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await InvokeAsync("private message", Name, marker);
        var unread = new List<string>();
        while (true)
        {
            var next = await NextAsync("private message");
            if (next.GetProperty("text").GetString() == marker)
            {
                break;
            }

            unread.Add("private message " + next);
        }

        foreach (var (name, channel) in _received)
        {
            while (channel.Reader.TryRead(out var payload))
            {
                unread.Add(name + " " + payload);
            }
        }

        return unread;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync().AsTask().DefaultTimeout();
        }
        catch (Exception)
        {
            // Disposal of an already closed connection must not fail a test's clean-up.
        }
    }
}
