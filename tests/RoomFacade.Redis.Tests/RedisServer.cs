using System.Diagnostics;
using RoomFacade.Shared;
using RoomFacade.Testing;
using StackExchange.Redis;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> started by the tests on a free 127.0.0.1 port, without persistence (so a restart loses
/// the data, which the fault tests rely on). A missing redis-server fails the test with instructions.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _extraArgs;
    private Process? _process;

    private RedisServer(int port, string directory, string[] extraArgs)
    {
        Port = port;
        _directory = directory;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static string Executable { get; } = FindExecutable("redis-server");

    public static async Task<RedisServer> StartAsync(int? port = null, params string[] extraArgs)
    {
        var dir = Directory.CreateTempSubdirectory("roomfacade-redis-").FullName;
        var server = new RedisServer(port ?? LoopbackTools.FreePort(), dir, extraArgs);
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", _directory, .. _extraArgs])
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await TaskTimeoutExtensions.WaitUntilAsync(() => Task.FromResult(LoopbackTools.CanConnect(Port)), TimeSpan.FromSeconds(20), $"redis-server on port {Port} accepts connections");
    }

    /// <summary>Kills the server (no save: its data is gone).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().DefaultTimeout();
        }

        _process = null;
    }

    /// <summary>Kills the server and starts an empty one on the same port: a restart without persistence.</summary>
    public async Task RestartEmptyAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public async Task<ConnectionMultiplexer> ConnectAsync()
        => await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},abortConnect=false,connectTimeout=3000,allowAdmin=true").DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
        => LoopbackTools.FindExecutable(name, "the Redis tests start their own Redis: install it with 'apt-get install -y redis-server redis-tools' (the README's test command, ./eng/test.sh, does this).");
}
