using System.Diagnostics;

namespace RoomFacade.LoadDriver;

/// <summary>
/// A <see cref="BenchServer"/> in a child process of its own (<c>RoomFacade.LoadDriver serve ...</c>), so that the
/// servers' CPU time can be told apart from the clients'. The child stops when its standard input closes, on
/// <c>--max-seconds</c>, or when it is killed on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>CPU time the server process has used so far.</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    public static async Task<ServerProcess> StartAsync(int index, string? redis, string prefix, int maxSeconds)
    {
        var self = typeof(ServerProcess).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            psi.ArgumentList.Add(self);
        }

        foreach (var arg in (string[])["serve", "--index", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "--prefix", prefix, "--max-seconds", maxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(arg);
        }

        if (redis is not null)
        {
            psi.ArgumentList.Add("--redis");
            psi.ArgumentList.Add(redis);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("The server process did not start.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException("The server process exited before it was ready.");
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining
                return new ServerProcess(process, line["READY ".Length..].Trim());
            }
        }
    }

    /// <summary>The child's side: runs one server until standard input closes or the time limit passes.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var index = int.Parse(Get("index") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var maxSeconds = int.Parse(Get("max-seconds") ?? "900", System.Globalization.CultureInfo.InvariantCulture);
        await using var server = await BenchServer.StartAsync(index, Get("redis"), Get("prefix") ?? "lb");
        Console.WriteLine($"READY {server.BaseUrl}");
        await Console.Out.FlushAsync();
        var stdinClosed = Task.Run(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }
        });
        await Task.WhenAny(stdinClosed, Task.Delay(TimeSpan.FromSeconds(maxSeconds)));
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
