using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Bench;
using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.Benchmarks;

/// <summary>The store under test: the in-memory default, or the Redis store against the benchmark's own redis-server.</summary>
internal sealed class StoreHarness : IDisposable
{
    public const string InMemory = "InMemory";
    public const string Redis = "Redis";
    public const string KeyPrefix = "bench";

    private static readonly Lazy<RedisProcess> SharedRedis = new(RedisProcess.Start);
    private static readonly Lazy<ConnectionMultiplexer> SharedAdmin = new(() =>
        ConnectionMultiplexer.Connect($"{SharedRedis.Value.Configuration},allowAdmin=true,syncTimeout=30000,asyncTimeout=30000"));

    private readonly ServiceProvider _services;
    private readonly bool _isRedis;

    private StoreHarness(ServiceProvider services, bool isRedis)
    {
        _services = services;
        _isRedis = isRedis;
        Store = services.GetRequiredService<IRoomMembershipStore>();
    }

    public IRoomMembershipStore Store { get; }

    /// <summary>The redis-server of this process (started on first use, killed at exit).</summary>
    public static RedisProcess RedisServer => SharedRedis.Value;

    /// <summary>Stops the redis-server of this process, if it was started.</summary>
    public static void StopRedis()
    {
        if (SharedAdmin.IsValueCreated)
        {
            SharedAdmin.Value.Dispose();
        }

        if (SharedRedis.IsValueCreated)
        {
            SharedRedis.Value.Dispose();
        }
    }

    /// <summary>An admin connection to <see cref="RedisServer"/> (FLUSHALL, INFO).</summary>
    public static ConnectionMultiplexer Admin => SharedAdmin.Value;

    /// <summary>
    /// A fresh store, built the way an application builds it (<c>AddRoomFacade()</c>, then <c>AddRedisStore(...)</c> for
    /// Redis) so the harness follows the library's own wiring; hosted services are not started (no heartbeats or
    /// sweeps during the measurements). For Redis the server is flushed first, so each store starts from an empty index.
    /// </summary>
    public static StoreHarness Create(string kind)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var rooms = services.AddRoomFacade();
        switch (kind)
        {
            case InMemory:
                break;
            case Redis:
                FlushAll();
                rooms.AddRedisStore(RedisServer.Configuration, o =>
                {
                    o.KeyPrefix = KeyPrefix;
                    o.OperationTimeout = TimeSpan.FromSeconds(30);
                    o.ServerId = "bench-server";
                });
                break;
            default:
                throw new ArgumentException($"Unknown store '{kind}' (use {InMemory} or {Redis}).", nameof(kind));
        }

        return new StoreHarness(services.BuildServiceProvider(), kind == Redis);
    }

    public static void FlushAll() => Admin.GetServer(RedisServer.Configuration).FlushAllDatabases();

    /// <summary><c>INFO memory</c> used_memory of the benchmark's redis-server, in bytes.</summary>
    public static long RedisUsedMemory()
    {
        var info = Admin.GetServer(RedisServer.Configuration).Info("memory");
        var value = info.SelectMany(g => g).First(p => p.Key == "used_memory").Value;
        return long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SignalR-shaped connection ids: 16 random bytes, base64url, 22 characters.</summary>
    public static string[] ConnectionIds(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        return ids;
    }

    public static string[] RoomNames(int count) => [.. Enumerable.Range(0, count).Select(i => $"room-{i}")];

    /// <summary>Registers connections (AddConnectionAsync), concurrently for Redis to keep set-up short.</summary>
    public void Register(IReadOnlyList<string> ids)
        => ForEach(ids.Count, i => Store.AddConnectionAsync(string.Empty, ids[i]));

    /// <summary>Joins connection i to every room of roomsOf[i].</summary>
    public void JoinAll(IReadOnlyList<string> ids, IReadOnlyList<string[]> roomsOf)
        => ForEach(ids.Count, async i =>
        {
            foreach (var room in roomsOf[i])
            {
                await Store.AddToRoomAsync(ids[i], room).ConfigureAwait(false);
            }
        });

    private void ForEach(int count, Func<int, Task> action)
    {
        if (!_isRedis)
        {
            for (var i = 0; i < count; i++)
            {
                action(i).GetAwaiter().GetResult();
            }

            return;
        }

        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) => await action(i).ConfigureAwait(false))
            .GetAwaiter().GetResult();
    }

    public void Dispose() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
