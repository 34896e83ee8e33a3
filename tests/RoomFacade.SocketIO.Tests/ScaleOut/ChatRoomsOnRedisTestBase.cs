using ChatRooms;
using RoomFacade.Redis.Tests;
using RoomFacade.Testing.EndToEnd;
using Xunit;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>
/// What the scale-out tests share: a real redis-server of the test's own, ChatRooms example servers on it with the
/// backplane given by the subclass under a key prefix of the test's own, and everything started disposed at the end.
/// </summary>
public abstract class ChatRoomsOnRedisTestBase(string backplane) : IAsyncLifetime
{
    private readonly string _prefix = "sio" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<IAsyncDisposable> _disposables = [];

    /// <summary>The test's redis-server (started before each test, stopped after it).</summary>
    protected RedisServer Redis { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    /// <summary>The example's command line for this test's Redis, key prefix and backplane, then <paramref name="extra"/>.</summary>
    protected string[] ServerArgs(params string[] extra) =>
    [
        $"--ConnectionStrings:Redis={Redis.ConnectionString}",
        $"--RoomFacade:Redis:KeyPrefix={_prefix}",
        $"--RoomFacade:Redis:Backplane={backplane}",
        .. extra,
    ];

    /// <summary>Starts one ChatRooms server in this process (Kestrel on 127.0.0.1).</summary>
    protected Task<TestServer> StartServerAsync(params string[] extra) => TestServer.StartAsync(args => ChatRoomsApp.Create(args), ServerArgs(extra));

    /// <summary>Disposes <paramref name="value"/> at the end of the test (last started, first disposed).</summary>
    protected T Track<T>(T value)
        where T : IAsyncDisposable
    {
        _disposables.Add(value);
        return value;
    }

    /// <inheritdoc cref="Track{T}(T)"/>
    protected async Task<T> Track<T>(Task<T> task)
        where T : IAsyncDisposable => Track(await task);

    /// <summary>The texts of the chat messages the Socket.IO client <paramref name="name"/> received, in order.</summary>
    protected static string[] Received(NodeDriver node, string name)
        => [.. node.Seen.Where(e => e.Ev() == "event" && e.Name() == name && e.Str("event") == "message").Select(e => e.GetProperty("args")[0].Str("text"))];
}
