using ChatRooms;
using RoomFacade.Testing;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>Several ChatRooms servers (Kestrel on loopback) sharing one Redis (a redis-server or a cluster): a backplane plus the Redis room index.</summary>
internal sealed class ScaleOutCluster : IAsyncDisposable
{
    private ScaleOutCluster(string keyPrefix, IReadOnlyList<TestServer> servers)
    {
        KeyPrefix = keyPrefix;
        Servers = servers;
    }

    public string KeyPrefix { get; }

    public IReadOnlyList<TestServer> Servers { get; }

    public TestServer this[int index] => Servers[index];

    /// <summary>Starts <paramref name="count"/> servers; fast heartbeats so fault tests converge in seconds.</summary>
    public static Task<ScaleOutCluster> StartAsync(RedisServer redis, int count, params string[] extraArgs)
        => StartAsync(redis.ConnectionString, count, extraArgs);

    /// <summary>Starts <paramref name="count"/> servers on the Redis <paramref name="redis"/> names (a Redis Cluster: its node list).</summary>
    public static async Task<ScaleOutCluster> StartAsync(string redis, int count, params string[] extraArgs)
    {
        var prefix = "e2e" + Guid.NewGuid().ToString("N")[..10];
        var servers = new List<TestServer>();
        for (var i = 0; i < count; i++)
        {
            servers.Add(await StartServerAsync(redis, prefix, extraArgs));
        }

        return new ScaleOutCluster(prefix, servers);
    }

    public static Task<TestServer> StartServerAsync(RedisServer redis, string prefix, params string[] extraArgs)
        => StartServerAsync(redis.ConnectionString, prefix, extraArgs);

    public static Task<TestServer> StartServerAsync(string redis, string prefix, params string[] extraArgs)
        => TestServer.StartAsync(args => ChatRoomsApp.Create(args), [.. ServerArgs(redis, prefix), .. extraArgs]);

    /// <summary>The argument choosing the example's backplane: "RoomFacade" (its default) or "SignalR" (the stock one).</summary>
    public static string[] Backplane(string backplane) => [$"--RoomFacade:Redis:Backplane={backplane}"];

    public static string[] ServerArgs(RedisServer redis, string prefix) => ServerArgs(redis.ConnectionString, prefix);

    public static string[] ServerArgs(string redis, string prefix) =>
    [
        $"--ConnectionStrings:Redis={redis}",
        $"--RoomFacade:Redis:KeyPrefix={prefix}",
        "--RoomFacade:Redis:ServerTimeout=00:00:03",
        "--RoomFacade:Redis:HeartbeatInterval=00:00:00.500",
        "--RoomFacade:Redis:OperationTimeout=00:00:02",
    ];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}
