using System.Net;
using System.Net.Sockets;

namespace RoomFacade.Shared;

/// <summary>
/// Helpers for the processes the tests and the benchmarks start themselves (redis-server, redis-cli,
/// redis-benchmark): a free 127.0.0.1 port (one that stays free while its server is down, for restarts), whether a port
/// accepts connections, where an executable is.
/// Compiled into tests/RoomFacade.Redis.Tests and both bench/ projects (linked, not a package).
/// </summary>
internal static class LoopbackTools
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// A free 127.0.0.1 port below the ephemeral range (on Linux <c>/proc/sys/net/ipv4/ip_local_port_range</c>), where
    /// neither a listener on port 0 (a Kestrel started by another test) nor an outgoing connection takes its port: a
    /// server stopped and started again on it finds it free. The port plus <paramref name="headroom"/> stays below the
    /// range too (a Redis Cluster node's bus listens on port + 10000), and both are free. <see cref="FreePort"/> when none
    /// is found and no headroom is asked for; otherwise an error.
    /// </summary>
    public static int FreeStablePort(int headroom = 0)
    {
        const int First = 10_000;
        var last = EphemeralRangeStart() - headroom; // exclusive
        for (var attempt = 0; attempt < 200 && last - First >= 1_000; attempt++)
        {
            var port = Random.Shared.Next(First, last);
            if (CanBind(port) && (headroom == 0 || CanBind(port + headroom)))
            {
                return port;
            }
        }

        return headroom == 0
            ? FreePort()
            : throw new InvalidOperationException($"No free 127.0.0.1 port below the ephemeral range (from {last + headroom}) leaves {headroom} ports of headroom.");
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default start
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The executable's path on PATH (or in the usual system folders); otherwise fails with <paramref name="installHint"/>.</summary>
    public static string FindExecutable(string name, string installHint)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]))
        {
            var path = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"'{name}' was not found on PATH: {installHint}");
    }
}
