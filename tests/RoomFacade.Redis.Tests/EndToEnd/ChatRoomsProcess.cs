using System.Diagnostics;
using System.Text.RegularExpressions;
using RoomFacade.Testing;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>An example app (ChatRooms by default) in a process of its own, so a test can kill it with SIGKILL (a crash: no goodbye).</summary>
internal sealed partial class ChatRoomsProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChatRoomsProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static Task<ChatRoomsProcess> StartAsync(params string[] args) => StartAppAsync("ChatRooms.dll", args);

    /// <summary>Starts the example whose entry assembly is <paramref name="assembly"/> (for example <c>V4Chat.dll</c>).</summary>
    public static async Task<ChatRoomsProcess> StartAppAsync(string assembly, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, assembly);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])[dll, "--urls", "http://127.0.0.1:0", "--environment", "Testing", .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                string seen;
                lock (output)
                {
                    seen = output.ToString(); // stderr may still be appending: read under the same lock
                }

                listening.TrySetException(new InvalidOperationException(assembly + " exited before listening: " + seen));
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ListeningRegex().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await listening.Task.DefaultTimeout(TimeSpan.FromSeconds(60));
        return new ChatRoomsProcess(process, url);
    }

    /// <summary>SIGKILL: the process dies at once; OnDisconnectedAsync and shutdown hooks never run.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningRegex();
}
