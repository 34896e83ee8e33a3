using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>One redis-server per test class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime, IRedisTarget
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("Redis not started.");

    public string ConnectionString => Server.ConnectionString;

    public IReadOnlyList<string> Masters => [Server.ConnectionString];

    public bool IsCluster => false;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
