using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;
using RoomFacade.Stores;

namespace RoomFacade.LoadDriver;

/// <summary>A throughput run. ClientCpuSeconds: CPU time of this process (servers, stores and clients) during the run;
/// RedisCpuSeconds: CPU time of redis-server (INFO cpu), when a Redis is involved.</summary>
public sealed record ThroughputResult(string Implementation, int Concurrency, double Seconds, long Operations, double OpsPerSecond, long Errors, double? ClientCpuSeconds = null, double? RedisCpuSeconds = null)
{
    public double? RedisCpuMicrosecondsPerOp => RedisCpuSeconds is { } r && Operations > 0 ? r * 1e6 / Operations : null;

    public double? ClientCpuMicrosecondsPerOp => ClientCpuSeconds is { } c && Operations > 0 ? c * 1e6 / Operations : null;
}

/// <summary>A redis-benchmark run, with the CPU time of redis-benchmark itself and of redis-server.</summary>
public sealed record RedisBenchmarkResult(int Concurrency, int Requests, double OpsPerSecond, double? P50Ms, double? P99Ms, double? ClientCpuSeconds = null, double? RedisCpuSeconds = null)
{
    public double? RedisCpuMicrosecondsPerOp => RedisCpuSeconds is { } r && Requests > 0 ? r * 1e6 / Requests : null;

    public double? ClientCpuMicrosecondsPerOp => ClientCpuSeconds is { } c && Requests > 0 ? c * 1e6 / Requests : null;
}

public sealed record QueryLatency(string Query, int Found, LatencyStats Client, LatencyStats Server);

/// <summary>CPU seconds used so far: the whole system under test, and its server side (servers + Redis) when the servers run in processes of their own.</summary>
public sealed record CpuSample(double Total, double? Server);

/// <summary>One broadcast run. CpuSeconds: CPU time of the whole system under test during the window (clients, servers,
/// redis-server); DeliveredPerCpuSecond is the noise-resistant efficiency figure. ServerCpuSeconds: the servers and
/// redis-server only (known when the servers run in processes of their own).</summary>
public sealed record BroadcastResult(string Implementation, int Round, int Senders, int Window, double Seconds, long Sent, long Delivered, double DeliveredPerSecond, double CpuSeconds, double DeliveredPerCpuSecond, double? ServerCpuSeconds, double? DeliveredPerServerCpuSecond, LatencyStats Latency);

public sealed record BroadcastSummary(string Implementation, int Rounds, double DeliveredPerSecond, double MedianDeliveredPerSecond, double DeliveredPerCpuSecond, double? DeliveredPerServerCpuSecond, LatencyStats Latency);

/// <summary>The scenarios. Every loop is bounded by a deadline and a maximum count; every await is bounded.</summary>
internal static class Scenarios
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Scenario 1, end to end: <paramref name="clients"/> SignalR clients each invoke Join(room) then Leave(room) in a
    /// loop (rooms from a pool of 1,000), for <paramref name="duration"/>. A join and a leave count as two operations.
    /// </summary>
    public static async Task<ThroughputResult> JoinLeaveEndToEndAsync(string implementation, IReadOnlyList<HubConnection> clients, TimeSpan duration, int maxPerClient)
    {
        long ops = 0;
        long errors = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select(async (client, w) =>
        {
            for (var i = 0; i < maxPerClient && Stopwatch.GetTimestamp() < deadline; i++)
            {
                var room = $"jl-{((w * 31) + i) % 1000}";
                using var cts = new CancellationTokenSource(CallTimeout);
                try
                {
                    await client.InvokeAsync("Join", room, cts.Token);
                    await client.InvokeAsync("Leave", room, cts.Token);
                    Interlocked.Add(ref ops, 2);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).WaitAsync(duration + TimeSpan.FromSeconds(60));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new ThroughputResult(implementation, clients.Count, seconds, ops, ops / seconds, errors);
    }

    /// <summary>
    /// Scenario 1, through the index only: <paramref name="concurrency"/> workers, spread over the servers' stores, each
    /// joins and leaves rooms of its own registered connection in a loop (AddToRoomAsync / RemoveFromRoomAsync).
    /// </summary>
    public static async Task<ThroughputResult> JoinLeaveStoreAsync(IReadOnlyList<IRoomMembershipStore> stores, int concurrency, TimeSpan duration, int maxPerWorker, Func<Task<double>> redisCpuSeconds)
    {
        var ids = Enumerable.Range(0, concurrency).Select(w => $"store-bench-{w}-{Guid.NewGuid():N}").ToArray();
        for (var w = 0; w < concurrency; w++)
        {
            await stores[w % stores.Count].AddConnectionAsync(string.Empty, ids[w]).WaitAsync(CallTimeout);
        }

        long ops = 0;
        long errors = 0;
        var redisCpuBefore = await redisCpuSeconds();
        var cpuBefore = Environment.CpuUsage.TotalTime.TotalSeconds;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        double seconds;
        double cpu;
        double redisCpu;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
            {
                await Task.Yield();
                var store = stores[w % stores.Count];
                for (var i = 0; i < maxPerWorker && Stopwatch.GetTimestamp() < deadline; i++)
                {
                    var room = $"jls-{((w * 31) + i) % 1000}";
                    try
                    {
                        await store.AddToRoomAsync(ids[w], room);
                        await store.RemoveFromRoomAsync(ids[w], room);
                        Interlocked.Add(ref ops, 2);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            })).WaitAsync(duration + TimeSpan.FromSeconds(60));
            seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            cpu = Environment.CpuUsage.TotalTime.TotalSeconds - cpuBefore;
            redisCpu = await redisCpuSeconds() - redisCpuBefore;
        }
        finally
        {
            for (var w = 0; w < concurrency; w++)
            {
                await stores[w % stores.Count].RemoveConnectionAsync(ids[w]).WaitAsync(CallTimeout);
            }
        }

        return new ThroughputResult("RoomFacade Redis index (store API)", concurrency, seconds, ops, ops / seconds, errors, cpu, redisCpu);
    }

    /// <summary>Scenario 1 baseline: <c>redis-benchmark -t sadd</c> at the same concurrency against the same redis-server.</summary>
    public static async Task<RedisBenchmarkResult> RedisBenchmarkSaddAsync(string executable, int port, int concurrency, int requests, Func<Task<double>> redisCpuSeconds)
    {
        var redisCpuBefore = await redisCpuSeconds();
        // Through bash so that its `times` builtin reports redis-benchmark's CPU time once it has exited.
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-c", "\"$0\" \"$@\"; status=$?; times >&2; exit $status", executable, "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-c", concurrency.ToString(CultureInfo.InvariantCulture),
                     "-n", requests.ToString(CultureInfo.InvariantCulture), "-r", "1000000", "-t", "sadd", "--csv"])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("redis-benchmark did not finish within 120 s.");
        }

        var redisCpu = await redisCpuSeconds() - redisCpuBefore;

        // `times` prints the shell's user/sys times, then its children's: "0m1.234s 0m0.567s".
        double? clientCpu = null;
        var timesLine = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        var times = System.Text.RegularExpressions.Regex.Matches(timesLine, @"(\d+)m([\d.]+)s");
        if (times.Count == 2)
        {
            clientCpu = times.Sum(m => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 60) + double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("\"SADD\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"redis-benchmark printed no SADD line: {await stdout} {await stderr}");
        var fields = line.Trim().Split(',').Select(f => f.Trim('"')).ToArray();
        double? Field(int i) => fields.Length > i && double.TryParse(fields[i], CultureInfo.InvariantCulture, out var v) ? v : null;
        return new RedisBenchmarkResult(concurrency, requests, Field(1) ?? 0, Field(4), Field(6), clientCpu, redisCpu);
    }

    /// <summary>Scenario 2: sequential query latency from one client (warm-up first), bounded by count and time.</summary>
    public static async Task<QueryLatency> QueryLatencyAsync(HubConnection client, string method, Func<int, object?[]> args, int expectedAtLeast, int queries, TimeSpan budget)
    {
        const int warmup = 50;
        var clientMs = new List<double>(queries);
        var serverMs = new List<double>(queries);
        var found = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < warmup + queries && Stopwatch.GetTimestamp() < deadline; i++)
        {
            using var cts = new CancellationTokenSource(CallTimeout);
            var start = Stopwatch.GetTimestamp();
            var result = await client.InvokeCoreAsync<QueryResult>(method, args(i), cts.Token);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (result.N < expectedAtLeast)
            {
                throw new InvalidOperationException($"{method} found {result.N}, expected at least {expectedAtLeast}.");
            }

            found = result.N;
            if (i >= warmup)
            {
                clientMs.Add(elapsed);
                serverMs.Add(result.Ms);
            }
        }

        return new QueryLatency(method, found, LatencyStats.Of(clientMs), LatencyStats.Of(serverMs));
    }

    /// <summary>
    /// Scenario 3: one sender per room (alternating servers) keeps <paramref name="window"/> messages in flight, a slot
    /// coming back when the sender receives its own message; every member receives every message of its room.
    /// Deliveries are counted inside [warm-up, warm-up + duration).
    /// </summary>
    public static async Task<(BroadcastResult Result, double[] Latencies)> BroadcastAsync(Population population, int round, int window, TimeSpan warmup, TimeSpan duration, string implementation, Func<Task<CpuSample>> cpuSeconds)
    {
        var n = population.Connections.Length;
        var slots = new SemaphoreSlim?[n];
        var senders = new List<int>();
        for (var r = 0; r < population.Rooms; r++)
        {
            var idx = Math.Min(n - 1, (r * population.MembersPerRoom) + (r % 2));
            if (slots[idx] is null)
            {
                slots[idx] = new SemaphoreSlim(window, window);
                senders.Add(idx);
            }
        }

        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var run = new BroadcastRun(windowStart, windowEnd, slots, (int)Math.Min(int.MaxValue, 200_000L * (long)duration.TotalSeconds));
        population.Active = run;
        var cpu = MeasureCpuAsync(warmup, duration, cpuSeconds);
        long sent = 0;
        const int maxPerSender = 1_000_000;
        await Task.WhenAll(senders.Select(async idx =>
        {
            await Task.Yield();
            var connection = population.Connections[idx];
            var room = population.RoomOf(idx);
            var slot = slots[idx]!;
            for (var i = 0; i < maxPerSender && Stopwatch.GetTimestamp() < windowEnd; i++)
            {
                // A slot not given back within 5 s (a lost message) is taken anyway, so a sender never hangs.
                await slot.WaitAsync(TimeSpan.FromSeconds(5));
                if (Stopwatch.GetTimestamp() >= windowEnd)
                {
                    break;
                }

                using var cts = new CancellationTokenSource(CallTimeout);
                await connection.SendAsync("Broadcast", room, idx, Stopwatch.GetTimestamp(), cts.Token);
                Interlocked.Increment(ref sent);
            }
        })).WaitAsync(warmup + duration + TimeSpan.FromSeconds(60));
        var cpuUsed = await cpu.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // drain before the next run
        population.Active = null;
        var latencies = run.Latencies.ToArray();
        var seconds = duration.TotalSeconds;
        var result = new BroadcastResult(implementation, round, senders.Count, window, seconds, sent, run.Delivered, run.Delivered / seconds,
            cpuUsed.Total, run.Delivered / cpuUsed.Total, cpuUsed.Server, cpuUsed.Server is { } server ? run.Delivered / server : null, LatencyStats.Of(latencies));
        return (result, latencies);
    }

    private static async Task<CpuSample> MeasureCpuAsync(TimeSpan warmup, TimeSpan duration, Func<Task<CpuSample>> cpuSeconds)
    {
        await Task.Delay(warmup);
        var before = await cpuSeconds();
        await Task.Delay(duration);
        var after = await cpuSeconds();
        return new CpuSample(after.Total - before.Total, after.Server - before.Server);
    }
}
