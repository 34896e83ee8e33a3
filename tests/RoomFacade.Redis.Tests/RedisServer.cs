using System.Diagnostics;
using RoomFacade.Shared;
using RoomFacade.Testing;
using StackExchange.Redis;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> started by the tests on a free 127.0.0.1 port below the ephemeral range (so nothing takes
/// it while a fault test has the server stopped), without persistence (so a restart loses the data, which the fault
/// tests rely on). A missing redis-server fails the test with instructions.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _extraArgs;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
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
        // A port below the ephemeral range, so that nothing takes it while a fault test has the server stopped; when
        // another process took the chosen port first, another one is tried.
        for (var attempt = 1; ; attempt++)
        {
            var dir = Directory.CreateTempSubdirectory("roomfacade-redis-").FullName;
            var server = new RedisServer(port ?? LoopbackTools.FreeStablePort(), dir, extraArgs);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (RedisServerExitedException)
            {
                await server.DisposeAsync();
                if (port is not null || attempt >= 5)
                {
                    throw;
                }
            }
        }
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
        _output.Clear();
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => process.HasExited
                ? throw new RedisServerExitedException($"redis-server on port {Port} exited with code {process.ExitCode} before answering (is the port taken by another process?). Its output: {string.Join(" | ", _output)}")
                : Task.FromResult(AnswersPing(Port)),
            TimeSpan.FromSeconds(20),
            $"redis-server on port {Port} answers PING");
    }

    /// <summary>
    /// Whether the process listening on the port is a Redis server that answers (a port that merely accepts connections
    /// might belong to another process that took it while this server was stopped).
    /// </summary>
    private static bool AnswersPing(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient { ReceiveTimeout = 1000, SendTimeout = 1000 };
            client.Connect(System.Net.IPAddress.Loopback, port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var expected = "+PONG\r\n"u8;
            var buffer = new byte[expected.Length];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
            {
                read += n;
            }

            return buffer.AsSpan(0, read).SequenceEqual(expected);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>Keeps the last lines the server wrote, for the error when it exits at start.</summary>
    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 20 && _output.TryDequeue(out _))
        {
        }
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

/// <summary>redis-server exited before it answered: most often its port was taken by another process.</summary>
public sealed class RedisServerExitedException(string message) : Exception(message);
