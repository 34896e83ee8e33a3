using RoomFacade.Shared;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// A 3-master Redis Cluster on loopback, started by the tests: three redis-server processes in cluster mode joined
/// with <c>redis-cli --cluster create</c>.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime, IRedisTarget
{
    private readonly List<RedisServer> _nodes = [];

    public string ConnectionString => string.Join(",", Masters);

    public IReadOnlyList<string> Masters => [.. _nodes.Select(n => n.ConnectionString)];

    public bool IsCluster => true;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(await StartNodeAsync());
        }

        var (exitCode, output) = await ProcessRunner.RunAsync(
            RedisServer.FindExecutable("redis-cli"),
            ["--cluster", "create", .. _nodes.Select(n => n.ConnectionString), "--cluster-replicas", "0", "--cluster-yes"],
            Directory.GetCurrentDirectory(),
            TaskTimeoutExtensions.DefaultTimeoutSpan);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({exitCode}): {output}");
        }

        await using var mux = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=false").DefaultTimeout();
        await TaskTimeoutExtensions.WaitUntilAsync(async () =>
        {
            foreach (var node in _nodes)
            {
                var info = (string?)await mux.GetServer("127.0.0.1", node.Port).ExecuteAsync("CLUSTER", "INFO");
                if (info is null || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "the Redis Cluster reports cluster_state:ok on every node");
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>One cluster-enabled node on a port of its own; another port is tried when another process took it first.</summary>
    private async Task<RedisServer> StartNodeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            // The cluster bus listens on port + 10000: both free and below the ephemeral range (a started node's port
            // and bus port are bound, so they are never picked again).
            var port = LoopbackTools.FreeStablePort(headroom: 10000);

            try
            {
                return await RedisServer.StartAsync(port, "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "5000");
            }
            catch (RedisServerExitedException) when (attempt < 5)
            {
            }
        }
    }
}
