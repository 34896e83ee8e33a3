using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// Servers sharing one real Redis (a redis-server or a 3-master cluster: the concrete class names its fixture) and a
/// fresh key prefix per test. Negative checks ("received nothing") read after a marker sent later by the same server,
/// so FIFO per (sender → connection) makes them meaningful even when the message would have come through Redis.
/// </summary>
public abstract class BackplaneTestBase(IRedisTarget redis) : IAsyncLifetime
{
    private readonly List<BackplaneNode> _nodes = [];
    private readonly string _prefix = "bp" + Guid.NewGuid().ToString("N")[..10];
    private ConnectionMultiplexer? _admin;

    protected IRedisTarget Redis => redis;

    /// <summary>
    /// The command by which the route script sends a hub message to another server: PUBLISH on the server channel
    /// (standalone), SPUBLISH on the namespace's sharded channel (cluster).
    /// </summary>
    protected string HubMessageCommand => redis.IsCluster ? "spublish" : "publish";

    protected string Prefix => _prefix;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    internal async Task<BackplaneNode> NodeAsync(Action<RedisBackplaneOptions>? configure = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, bool startHostedServices = true)
    {
        var node = await BackplaneNode.StartAsync(redis.ConnectionString, _prefix, configure, services, startHostedServices: startHostedServices);
        _nodes.Add(node);
        return node;
    }

    internal async Task<(BackplaneNode A, BackplaneNode B)> TwoNodesAsync() => (await NodeAsync(), await NodeAsync());

    internal static async Task AssertReceivesAsync(TestConnection connection, string method, object? arg = null)
    {
        var message = await connection.ReadInvocationAsync();
        Assert.Equal(method, message.Target);
        if (arg is not null)
        {
            Assert.Equal(arg.ToString(), message.Arguments[0]?.ToString());
        }
    }

    /// <summary>Sends a marker from <paramref name="from"/> and asserts it is the next message: nothing came before it.</summary>
    internal static async Task AssertNothingElseAsync(BackplaneNode from, TestConnection connection)
    {
        await from.Manager.SendConnectionAsync(connection.Id, "Marker", ["m"]).DefaultTimeout();
        await AssertReceivesAsync(connection, "Marker");
    }

    internal static CompletionMessage RawResult(string invocationId, string json)
        => CompletionMessage.WithResult(invocationId, new RawResult(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json))));

    /// <summary>
    /// Calls per command (INFO commandstats) summed over every master, so a count does not depend on which master holds
    /// a slot; through one admin connection per test (made before the first snapshot).
    /// </summary>
    internal async Task<Dictionary<string, long>> CommandStatsAsync()
    {
        var multiplexer = await AdminAsync();
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var master in redis.Masters)
        {
            foreach (var (command, calls) in await CommandStatsAsync(multiplexer.GetServer(master)))
            {
                stats[command] = stats.GetValueOrDefault(command) + calls;
            }
        }

        return stats;
    }

    /// <summary>Calls per command (INFO commandstats) of one server.</summary>
    internal static async Task<Dictionary<string, long>> CommandStatsAsync(IServer server)
    {
        var info = await server.InfoAsync("commandstats").DefaultTimeout();
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in info.SelectMany(g => g))
        {
            // cmdstat_publish: calls=3,usec=...
            var calls = entry.Value.Split(',')[0].Split('=')[1];
            stats[entry.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal)] = long.Parse(calls, System.Globalization.CultureInfo.InvariantCulture);
        }

        return stats;
    }

    /// <summary>One admin connection per test (allowAdmin), disposed with the test.</summary>
    internal async Task<ConnectionMultiplexer> AdminAsync()
        => _admin ??= await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true").DefaultTimeout();

    internal static long Delta(Dictionary<string, long> before, Dictionary<string, long> after, string command)
        => after.GetValueOrDefault(command) - before.GetValueOrDefault(command);
}
