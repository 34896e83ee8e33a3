using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using RoomFacade.Testing;

namespace RoomFacade.SocketIO.Tests;

/// <summary>
/// The official <c>socket.io-client</c> running in Node (node/driver.mjs): commands go in as JSON lines, every client
/// event comes back as a JSON line. <see cref="WaitForAsync"/> is bounded by the tests' default timeout.
/// </summary>
public sealed class NodeDriver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _seen = [];
    private readonly List<string> _stderr = [];

    private NodeDriver(Process process)
    {
        _process = process;
    }

    /// <summary>Every event read so far (for "exactly one copy" checks once a later marker has arrived).</summary>
    public IReadOnlyList<JsonElement> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<NodeDriver> StartAsync()
    {
        var dir = typeof(NodeDriver).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SocketIODriverDir").Value!;
        var info = new ProcessStartInfo("node", Path.Combine(dir, "driver.mjs"))
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var driver = new NodeDriver(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                var element = JsonDocument.Parse(line).RootElement.Clone();
                lock (driver._seen)
                {
                    driver._seen.Add(element);
                }

                driver._events.Writer.TryWrite(element);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (driver._stderr)
                {
                    driver._stderr.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await driver.WaitForAsync(e => e.Ev() == "ready");
        return driver;
    }

    public void Send(object command) => _process.StandardInput.WriteLine(JsonSerializer.Serialize(command));

    public Task<JsonElement> ConnectAsync(string name, string url, object? options = null, bool forceNew = true)
    {
        Send(new { op = "connect", name, url, opts = options ?? new { }, forceNew });
        return WaitForAsync(e => e.Name() == name && e.Ev() is "connect" or "connect_error");
    }

    public void On(string name, string @event, object?[]? reply = null) => Send(new { op = "on", name, @event, reply });

    public void Emit(string name, string @event, params object?[] args) => Send(new { op = "emit", name, @event, args });

    public async Task<JsonElement> EmitWithAckAsync(string name, string @event, object?[] args, int timeoutMs = 10_000)
    {
        var tag = Guid.NewGuid().ToString("N");
        Send(new { op = "emitWithAck", name, @event, args, timeout = timeoutMs, tag });
        return await WaitForAsync(e => e.Ev() is "ack" or "ack_error" && e.GetProperty("tag").GetString() == tag);
    }

    /// <summary>Waits for the next event matching <paramref name="match"/> (earlier non-matching events are skipped).</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match)
    {
        using var bound = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(bound.Token);
                if (next.Ev() == "driver_error")
                {
                    throw new InvalidOperationException("driver error: " + next.GetProperty("message").GetString());
                }

                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            string stderr;
            lock (_stderr)
            {
                stderr = string.Join('\n', _stderr);
            }

            throw new TimeoutException($"socket.io-client driver: no matching event within {TaskTimeoutExtensions.DefaultTimeoutSpan}. Seen: {string.Join(", ", Seen)} stderr: {stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Send(new { op = "exit" });
            await _process.WaitForExitAsync().DefaultTimeout(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>Shortcuts to read driver events.</summary>
public static class DriverEventExtensions
{
    public static string? Ev(this JsonElement e) => e.TryGetProperty("ev", out var v) ? v.GetString() : null;

    public static string? Name(this JsonElement e) => e.TryGetProperty("name", out var v) ? v.GetString() : null;

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    public static JsonNode? Node(this JsonElement e) => JsonNode.Parse(e.GetRawText());
}
