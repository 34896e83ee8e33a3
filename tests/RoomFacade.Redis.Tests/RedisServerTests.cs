using System.Net;
using System.Net.Sockets;
using RoomFacade.Shared;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// The tests' own redis-server: its port stays out of the range other processes draw ports from, and a port another
/// process holds is reported, never taken for a running Redis (a fault test once talked HTTP to a Kestrel that had taken
/// the port of its stopped redis-server).
/// </summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task A_port_held_by_another_process_is_an_error_naming_it_not_a_running_server()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0); // accepts connections, as a Kestrel would
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<RedisServerExitedException>(() => RedisServer.StartAsync(port));
        Assert.Contains($"port {port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_port_is_below_the_ephemeral_range_and_a_restart_keeps_it()
    {
        var start = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
        await using var redis = await RedisServer.StartAsync();
        Assert.True(redis.Port < start, $"port {redis.Port}, ephemeral range from {start}");

        await redis.RestartEmptyAsync();
        Assert.True(redis.IsRunning);
        Assert.True(LoopbackTools.CanConnect(redis.Port));
    }
}
