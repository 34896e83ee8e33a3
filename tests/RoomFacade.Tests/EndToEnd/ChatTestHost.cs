using ChatRooms;
using ChatRooms.Hubs;
using Microsoft.AspNetCore.Builder;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>Helpers for the end-to-end tests: the ChatRooms app on Kestrel and real SignalR clients.</summary>
internal static class ChatTestHost
{
    /// <summary>The hub of the default namespace (<c>io.sockets</c>).</summary>
    public const string ChatPath = "/chat";

    /// <summary>The hub of the namespace <c>/news</c>.</summary>
    public const string NewsPath = "/news";

    /// <summary>The namespace name of a hub path: "" for /chat, "/news" for /news.</summary>
    public static string NamespaceOf(string hubPath) => hubPath == ChatPath ? "" : "/news";

    /// <summary>The hub path of the other namespace.</summary>
    public static string OtherPath(string hubPath) => hubPath == ChatPath ? NewsPath : ChatPath;

    /// <summary>The 0.9 key (<c>manager.rooms</c>) of a room of a namespace.</summary>
    public static string Key(string @namespace, string room) => room.Length == 0 ? @namespace : @namespace + "/" + room;

    public static Task<TestServer> StartAsync(Action<WebApplicationBuilder>? configure = null)
        => TestServer.StartAsync(args => ChatRoomsApp.Create(args, configure));

    /// <summary>
    /// Connects a client and makes one hub call: SignalR runs hub calls only after the server-side connect handling,
    /// so on return the connection is in its catch-all room.
    /// </summary>
    public static async Task<TestChatClient> ConnectAsync(TestServer server, string hubPath)
    {
        var client = await TestChatClient.ConnectAsync(server.BaseUrl, hubPath);
        var own = await client.InvokeAsync<Dictionary<string, bool>>("GetRoomClients", client.Id);
        Assert.True(own.ContainsKey(NamespaceOf(hubPath)), $"{client.Id} is not in its catch-all room after connecting.");
        return client;
    }

    public static Task<Dictionary<string, string[]>> GetRoomsAsync(TestChatClient client)
        => client.InvokeAsync<Dictionary<string, string[]>>("GetRooms");

    public static Task<string[]> GetClientsAsync(TestChatClient client, string room)
        => client.InvokeAsync<string[]>("GetClients", room);

    public static Task<string[]> GetNamespaceClientsAsync(TestChatClient client, string @namespace, string room)
        => client.InvokeAsync<string[]>("GetNamespaceClients", @namespace, room);

    public static Task<Dictionary<string, bool>> GetRoomClientsAsync(TestChatClient client, string connectionId)
        => client.InvokeAsync<Dictionary<string, bool>>("GetRoomClients", connectionId);

    /// <summary>
    /// Asserts that none of <paramref name="clients"/> received anything not yet read: the server sends each one a
    /// marker (after everything the test did), and nothing may arrive before it.
    /// </summary>
    public static async Task AssertNothingElseReceivedAsync(TestServer server, params TestChatClient[] clients)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        foreach (var client in clients)
        {
            var socket = await server.Rooms.GetSocketAsync(client.Id).DefaultTimeout();
            await socket.EmitAsync("message", new ChatMessage(null, "test", marker)).DefaultTimeout();
        }

        foreach (var client in clients)
        {
            var before = await client.ReadUntilAsync(marker);
            Assert.True(before.Count == 0, $"{client.HubUrl} client {client.Id} received unexpected messages: {string.Join("; ", before)}");
        }
    }

    /// <summary>Sorted, for order-insensitive comparisons.</summary>
    public static string[] Sorted(this IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    /// <summary>A listing as comparable text (keys and members sorted).</summary>
    public static string Describe<TMembers>(IReadOnlyDictionary<string, TMembers> rooms)
        where TMembers : IEnumerable<string>
        => string.Join("\n", rooms.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"[{r.Key}] {string.Join(",", r.Value.Sorted())}"));

    /// <summary>A dictionary of booleans as comparable text.</summary>
    public static string Describe(IReadOnlyDictionary<string, bool> keys)
        => string.Join("\n", keys.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"[{r.Key}] {r.Value}"));
}

/// <summary>Many clients disposed together.</summary>
internal sealed class ClientSet : IAsyncDisposable
{
    private readonly List<TestChatClient> _clients = [];

    public IReadOnlyList<TestChatClient> All => _clients;

    public async Task<TestChatClient> AddAsync(TestServer server, string hubPath)
    {
        var client = await ChatTestHost.ConnectAsync(server, hubPath);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        TestChatClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).DefaultTimeout();
    }
}
