using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace RoomFacade.Testing;

/// <summary>Runs a program to completion for a test (npm, node, dotnet, redis-cli), bounded in time.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="workingDirectory"/> and returns its exit code and its output
    /// (standard output and error, interleaved). After <paramref name="timeout"/> its process tree is killed and a
    /// <see cref="TimeoutException"/> carries the output so far. A program that cannot start fails with
    /// <paramref name="missingHint"/> (how to install it).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, string? missingHint = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var text = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (text)
                {
                    text.AppendLine(line);
                }
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Cannot start `{program}` ({ex.Message}). {missingHint}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            lock (text)
            {
                throw new TimeoutException($"`{program} {string.Join(' ', arguments)}` in {workingDirectory} did not finish within {timeout.TotalSeconds} s and was killed. Output so far:\n{text}");
            }
        }

        process.WaitForExit(); // flushes the asynchronous output readers
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }
}
