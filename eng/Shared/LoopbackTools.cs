using System.Net;
using System.Net.Sockets;

namespace RoomFacade.Shared;

/// <summary>
/// Helpers for the processes the tests and the benchmarks start themselves (redis-server, redis-cli,
/// redis-benchmark): a free 127.0.0.1 port, whether a port accepts connections, where an executable is.
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
