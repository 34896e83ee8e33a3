using System.Diagnostics;
using RoomFacade.Shared;

namespace RoomFacade.Bench;

/// <summary>
/// A <c>redis-server</c> the benchmark starts itself on a free 127.0.0.1 port, without persistence, killed on dispose
/// (and when the process exits). Like the test fixture in <c>tests/RoomFacade.Redis.Tests/RedisServer.cs</c>.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts redis-server (from PATH) on a free loopback port and waits until it accepts connections (bounded: 20 s).</summary>
    public static RedisProcess Start()
    {
        var executable = FindExecutable("redis-server");
        var port = LoopbackTools.FreePort();
        var dir = Directory.CreateTempSubdirectory("roomfacade-bench-redis-").FullName;
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var arg in (string[])["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!LoopbackTools.CanConnect(port))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server did not accept connections on 127.0.0.1:{port} within 20 s.");
            }

            Thread.Sleep(50);
        }

        return new RedisProcess(process, port, dir);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>An executable of the Redis tools, or a clear error saying how to install them.</summary>
    public static string FindExecutable(string name)
        => LoopbackTools.FindExecutable(name, "install it with 'apt-get install -y redis-server redis-tools' (bench/run.sh does this).");
}
