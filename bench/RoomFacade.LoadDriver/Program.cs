using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RoomFacade.Bench;
using RoomFacade.LoadDriver;
using StackExchange.Redis;

// RoomFacade end-to-end load driver. Every scenario is bounded in count and time, and the whole run by --max-seconds.
// Usage: RoomFacade.LoadDriver [--redis 127.0.0.1:PORT] [--out loaddriver.json] [--topologies single,redis2,redis2-proc]
//        [--clients 1000] [--rooms 100] [--window 2] [--warmup 1.5] [--duration 4] [--rounds 4]
//        [--jl-concurrency 50] [--jl-seconds 5] [--sadd-requests 400000] [--queries 500] [--max-seconds 900]
if (args.Length > 0 && args[0] == "serve")
{
    return await ServerProcess.ServeAsync(args); // a child server of the redis2-proc topology
}

var options = DriverOptions.Parse(args);
var jsonOptions = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
using var hardStop = new Timer(_ =>
{
    Console.Error.WriteLine($"load driver: exceeded --max-seconds {options.MaxSeconds}, stopping.");
    Environment.Exit(2);
}, null, TimeSpan.FromSeconds(options.MaxSeconds), Timeout.InfiniteTimeSpan);

void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

RedisProcess? ownRedis = null;
var redisConfiguration = options.Redis;
if (redisConfiguration is null && options.Topologies.Any(t => t.StartsWith("redis2", StringComparison.Ordinal)))
{
    ownRedis = RedisProcess.Start();
    redisConfiguration = ownRedis.Configuration;
    Log($"started redis-server on {redisConfiguration}");
}

var topologies = new List<object>();
try
{
    foreach (var topology in options.Topologies)
    {
        topologies.Add(await RunTopologyAsync(topology));
    }
}
finally
{
    ownRedis?.Dispose();
}

var output = new
{
    tool = "RoomFacade.LoadDriver",
    dotnet = Environment.Version.ToString(),
    processorCount = Environment.ProcessorCount,
    serverGc = System.Runtime.GCSettings.IsServerGC,
    options,
    topologies,
};
var json = JsonSerializer.Serialize(output, jsonOptions);
if (options.Out is not null)
{
    await File.WriteAllTextAsync(options.Out, json);
}

Console.WriteLine(json);
return 0;

async Task<object> RunTopologyAsync(string topology)
{
    // single: one in-process server; redis2: two in-process servers behind one Redis; redis2-proc: the same two servers
    // in child processes of their own (broadcast only), so the servers' CPU can be told apart from the clients'.
    var redis = topology.StartsWith("redis2", StringComparison.Ordinal) ? redisConfiguration : null;
    var outOfProcess = topology == "redis2-proc";
    var serverCount = redis is null ? 1 : 2;
    var prefix = "lb" + Guid.NewGuid().ToString("N")[..8];
    Log($"topology {topology}: starting {serverCount} server(s){(outOfProcess ? " in child processes" : string.Empty)}");
    var servers = new List<BenchServer>();
    var serverProcesses = new List<ServerProcess>();
    for (var i = 0; i < serverCount; i++)
    {
        if (outOfProcess)
        {
            serverProcesses.Add(await ServerProcess.StartAsync(i, redis, prefix, options.MaxSeconds));
        }
        else
        {
            servers.Add(await BenchServer.StartAsync(i, redis, prefix));
        }
    }

    List<string> urls = outOfProcess ? [.. serverProcesses.Select(s => s.BaseUrl)] : [.. servers.Select(s => s.BaseUrl)];

    ConnectionMultiplexer? admin = redis is null ? null : await ConnectionMultiplexer.ConnectAsync($"{redis},allowAdmin=true");
    var storeThroughput = new List<ThroughputResult>();
    var sadd = new List<RedisBenchmarkResult>();
    var joinLeave = new List<ThroughputResult>();
    var queries = new List<QueryLatency>();
    var broadcastRounds = new List<BroadcastResult>();
    var controlRounds = new List<BroadcastResult>();
    var latencies = new Dictionary<string, List<double>> { ["facade"] = [], ["raw"] = [], ["control"] = [] };
    try
    {
        // Scenario 1a: the Redis index alone vs redis-benchmark SADD, same concurrency, alternating.
        if (redis is not null && !outOfProcess)
        {
            var port = int.Parse(redis[(redis.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var redisBenchmark = RedisProcess.FindExecutable("redis-benchmark");
            await Scenarios.JoinLeaveStoreAsync([.. servers.Select(s => s.Store)], options.JoinLeaveConcurrency, TimeSpan.FromSeconds(1), 1_000_000, RedisCpuSecondsAsync); // warm-up
            for (var round = 0; round < options.Rounds; round++)
            {
                Log($"scenario 1: index join+leave, store API, concurrency {options.JoinLeaveConcurrency} (round {round + 1})");
                storeThroughput.Add(await Scenarios.JoinLeaveStoreAsync([.. servers.Select(s => s.Store)], options.JoinLeaveConcurrency, TimeSpan.FromSeconds(options.JoinLeaveSeconds), 1_000_000, RedisCpuSecondsAsync));
                Log($"  {storeThroughput[^1].OpsPerSecond:0} ops/s; CPU per op: redis {storeThroughput[^1].RedisCpuMicrosecondsPerOp:0.0} µs, .NET {storeThroughput[^1].ClientCpuMicrosecondsPerOp:0.0} µs");
                Log($"scenario 1: redis-benchmark -t sadd -c {options.JoinLeaveConcurrency} (round {round + 1})");
                sadd.Add(await Scenarios.RedisBenchmarkSaddAsync(redisBenchmark, port, options.JoinLeaveConcurrency, options.SaddRequests, RedisCpuSecondsAsync));
                Log($"  {sadd[^1].OpsPerSecond:0} ops/s; CPU per op: redis {sadd[^1].RedisCpuMicrosecondsPerOp:0.0} µs, redis-benchmark {sadd[^1].ClientCpuMicrosecondsPerOp:0.0} µs");
                await admin!.GetDatabase().KeyDeleteAsync("myset");
            }
        }

        // Populations: the facade clients, the raw-groups clients, and a second raw-groups population as an A/A control
        // (how far two identical populations drift apart in the same run: the noise floor of the facade/raw ratio), all
        // on every server and connected at the same time (interleaved), so that none is favoured by connection order
        // (which moved the in-process figures by a few per cent in trials).
        Log($"connecting {options.Clients} facade clients, {options.Clients} raw-groups clients and {options.Clients} raw-groups control clients in {options.Rooms} rooms each");
        // The control shares the raw hub, so it gets rooms of its own: a shared room would deliver every message to both.
        var connecting = new[] { ("facade", "room-"), ("raw", "room-"), ("raw", "control-room-") }
            .Select(p => Population.ConnectAsync(p.Item1, urls, options.Clients, options.Rooms, 50, TimeSpan.FromSeconds(180), p.Item2)).ToArray();
        await Task.WhenAll(connecting);
        await using var facade = connecting[0].Result;
        await using var raw = connecting[1].Result;
        await using var control = connecting[2].Result;

        // Scenario 1b: join+leave end to end (hub invocations), facade vs raw groups, alternating, after a short
        // unmeasured warm-up of each.
        foreach (var (name, population) in outOfProcess ? [] : Order(0, ("facade", facade), ("raw", raw)))
        {
            await Scenarios.JoinLeaveEndToEndAsync(name, population.Connections[..options.JoinLeaveConcurrency], TimeSpan.FromSeconds(1), 1_000_000);
        }

        for (var round = 0; round < options.Rounds && !outOfProcess; round++)
        {
            foreach (var (name, population) in Order(round, ("facade", facade), ("raw", raw)))
            {
                Log($"scenario 1: end-to-end join+leave via {name}, {options.JoinLeaveConcurrency} clients (round {round + 1})");
                joinLeave.Add(await Scenarios.JoinLeaveEndToEndAsync(name, population.Connections[..options.JoinLeaveConcurrency], TimeSpan.FromSeconds(options.JoinLeaveSeconds), 1_000_000));
                Log($"  {joinLeave[^1].OpsPerSecond:0} ops/s, {joinLeave[^1].Errors} errors");
            }
        }

        // Scenario 2: clients(room) and manager.rooms from a client of server 0; rooms have members on every server.
        if (!outOfProcess)
        {
            Log("scenario 2: clients(room) and manager.rooms latency");
            queries.Add(await Scenarios.QueryLatencyAsync(facade.Connections[0], "GetClients", i => [$"room-{i % options.Rooms}"], facade.MembersPerRoom, options.Queries, TimeSpan.FromSeconds(20)));
            queries.Add(await Scenarios.QueryLatencyAsync(facade.Connections[0], "GetRoomCount", _ => [], options.Rooms, options.Queries, TimeSpan.FromSeconds(20)));
        }

        foreach (var q in queries)
        {
            Log($"  {q.Query}: client p50 {q.Client.P50Ms:0.000} ms p99 {q.Client.P99Ms:0.000} ms; server p50 {q.Server.P50Ms:0.000} ms");
        }

        // Scenario 3: room broadcast, facade vs raw groups, in ABBA order, after one unmeasured warm-up run of each
        // (JIT tiering, connection buffers, backplane subscriptions), so the first measured run is not penalised.
        foreach (var (name, population) in Order(0, ("facade", facade), ("raw", raw)))
        {
            Log($"scenario 3: warm-up run via {name} (not measured)");
            await Scenarios.BroadcastAsync(population, -1, options.Window, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), name, CpuSecondsAsync);
        }

        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, population) in Order(round, ("facade", facade), ("raw", raw)))
            {
                Log($"scenario 3: broadcast via {name} (round {round + 1})");
                var (result, samples) = await Scenarios.BroadcastAsync(population, round, options.Window, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Duration), name, CpuSecondsAsync);
                broadcastRounds.Add(result);
                latencies[name].AddRange(samples);
                Log($"  {result.DeliveredPerSecond:0} delivered/s, {result.DeliveredPerCpuSecond:0} delivered/CPU-s, {result.DeliveredPerServerCpuSecond:0} delivered/server-CPU-s, p99 {result.Latency.P99Ms:0.0} ms");
            }
        }

        // A/A control: the same rounds, raw groups against a second raw-groups population (after its own warm-up run).
        Log("scenario 3: warm-up run via control (not measured)");
        await Scenarios.BroadcastAsync(control, -1, options.Window, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), "control", CpuSecondsAsync);
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, population) in Order(round, ("control", control), ("raw", raw)))
            {
                Log($"scenario 3, A/A control: broadcast via {name} (round {round + 1})");
                var (result, _) = await Scenarios.BroadcastAsync(population, round, options.Window, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Duration), name, CpuSecondsAsync);
                controlRounds.Add(result);
                Log($"  {result.DeliveredPerSecond:0} delivered/s, {result.DeliveredPerCpuSecond:0} delivered/CPU-s, {result.DeliveredPerServerCpuSecond:0} delivered/server-CPU-s, p99 {result.Latency.P99Ms:0.0} ms");
            }
        }
    }
    finally
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        foreach (var server in serverProcesses)
        {
            await server.DisposeAsync();
        }

        admin?.Dispose();
    }

    // CPU seconds of the system under test: this process (clients, and the servers when in-process), the server
    // processes (redis2-proc) and redis-server. The server side alone is known only when the servers are processes.
    async Task<CpuSample> CpuSecondsAsync()
    {
        var server = serverProcesses.Sum(p => p.CpuSeconds) + await RedisCpuSecondsAsync();
        return new CpuSample(Environment.CpuUsage.TotalTime.TotalSeconds + server, outOfProcess ? server : null);
    }

    // CPU seconds redis-server has used (INFO cpu), 0 without Redis.
    async Task<double> RedisCpuSecondsAsync()
    {
        if (admin is null)
        {
            return 0;
        }

        var info = (await admin.GetServer(redis!).InfoAsync("cpu")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return double.Parse(info["used_cpu_sys"], CultureInfo.InvariantCulture) + double.Parse(info["used_cpu_user"], CultureInfo.InvariantCulture);
    }

    BroadcastSummary Summarize(string name)
    {
        var rounds = broadcastRounds.Where(r => r.Implementation == name).ToList();
        var perSecond = rounds.Select(r => r.DeliveredPerSecond).Order().ToArray();
        return new BroadcastSummary(
            name,
            rounds.Count,
            rounds.Sum(r => r.Delivered) / rounds.Sum(r => r.Seconds),
            perSecond.Length == 0 ? 0 : perSecond[perSecond.Length / 2],
            rounds.Sum(r => r.Delivered) / rounds.Sum(r => r.CpuSeconds),
            rounds.All(r => r.ServerCpuSeconds is not null) && rounds.Count > 0 ? rounds.Sum(r => r.Delivered) / rounds.Sum(r => r.ServerCpuSeconds!.Value) : null,
            LatencyStats.Of(latencies[name]));
    }

    // Ratio (numerator's run / the other's) of each adjacent pair of runs (same minute of machine noise).
    List<double> PairRatios(IReadOnlyList<BroadcastResult> runs, string numerator, Func<BroadcastResult, double> metric)
    {
        var ratios = new List<double>();
        for (var i = 0; i + 1 < runs.Count; i += 2)
        {
            var f = runs[i].Implementation == numerator ? runs[i] : runs[i + 1];
            var r = runs[i].Implementation == numerator ? runs[i + 1] : runs[i];
            ratios.Add(metric(f) / metric(r));
        }

        return ratios;
    }

    double? MedianPairRatio(IReadOnlyList<BroadcastResult> runs, Func<BroadcastResult, double> metric, string numerator = "facade")
        => Median(PairRatios(runs, numerator, metric));

    ThroughputResult? Total(IEnumerable<ThroughputResult> runs, string name)
    {
        var list = runs.ToList();
        return list.Count == 0 ? null : new ThroughputResult(name, list[0].Concurrency, list.Sum(r => r.Seconds), list.Sum(r => r.Operations), list.Sum(r => r.Operations) / list.Sum(r => r.Seconds), list.Sum(r => r.Errors));
    }

    return new
    {
        name = topology,
        description = topology switch
        {
            "redis2" => "two in-process Kestrel servers, SignalR Redis backplane + RoomFacade Redis index on one redis-server",
            "redis2-proc" => "the same two servers, each in a child process of its own (broadcast only)",
            _ => "one in-process Kestrel server, RoomFacade in-memory index, no backplane",
        },
        outOfProcess,
        servers = serverCount,
        clients = options.Clients,
        rooms = options.Rooms,
        joinLeaveStore = storeThroughput.Count == 0 ? null : new
        {
            rounds = storeThroughput,
            total = Total(storeThroughput, "RoomFacade Redis index (store API)"),
            redisBenchmarkSadd = sadd,
            redisBenchmarkSaddMean = sadd.Average(s => s.OpsPerSecond),
            medianRoundRatio = Median(storeThroughput.Zip(sadd, (x, y) => x.OpsPerSecond / y.OpsPerSecond)),
        },
        joinLeaveEndToEnd = new
        {
            rounds = joinLeave,
            facade = Total(joinLeave.Where(r => r.Implementation == "facade"), "facade"),
            raw = Total(joinLeave.Where(r => r.Implementation == "raw"), "raw"),
            medianPairRatio = Median(joinLeave.Chunk(2).Where(p => p.Length == 2).Select(p =>
                p.Single(r => r.Implementation == "facade").OpsPerSecond / p.Single(r => r.Implementation == "raw").OpsPerSecond)),
        },
        queries,
        broadcast = new
        {
            rounds = broadcastRounds,
            facade = Summarize("facade"),
            raw = Summarize("raw"),
            medianPairRatio = MedianPairRatio(broadcastRounds, r => r.DeliveredPerSecond),
            medianPairRatioPerCpu = MedianPairRatio(broadcastRounds, r => r.DeliveredPerCpuSecond),
            medianPairRatioPerServerCpu = outOfProcess ? MedianPairRatio(broadcastRounds, r => r.DeliveredPerServerCpuSecond ?? double.NaN) : null,
            pairRatios = PairRatios(broadcastRounds, "facade", r => r.DeliveredPerSecond),
            pairRatiosPerCpu = PairRatios(broadcastRounds, "facade", r => outOfProcess ? r.DeliveredPerServerCpuSecond ?? double.NaN : r.DeliveredPerCpuSecond),
            control = new
            {
                description = "A/A: a second raw-groups population against the raw-groups population, same rounds; its ratio is the noise floor of facade/raw",
                rounds = controlRounds,
                medianPairRatio = MedianPairRatio(controlRounds, r => r.DeliveredPerSecond, "control"),
                medianPairRatioPerCpu = MedianPairRatio(controlRounds, r => r.DeliveredPerCpuSecond, "control"),
                medianPairRatioPerServerCpu = outOfProcess ? MedianPairRatio(controlRounds, r => r.DeliveredPerServerCpuSecond ?? double.NaN, "control") : null,
                pairRatios = PairRatios(controlRounds, "control", r => r.DeliveredPerSecond),
                pairRatiosPerCpu = PairRatios(controlRounds, "control", r => outOfProcess ? r.DeliveredPerServerCpuSecond ?? double.NaN : r.DeliveredPerCpuSecond),
            },
        },
    };
}

static IEnumerable<(string Name, Population Population)> Order(int round, (string Name, Population Population) a, (string Name, Population Population) b)
    => round % 2 == 0 ? [a, b] : [b, a];

static double? Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? null : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}


internal sealed record DriverOptions(
    string? Redis,
    string? Out,
    string[] Topologies,
    int Clients,
    int Rooms,
    int Window,
    double Warmup,
    double Duration,
    int Rounds,
    int JoinLeaveConcurrency,
    double JoinLeaveSeconds,
    int SaddRequests,
    int Queries,
    int MaxSeconds)
{
    public static DriverOptions Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Dbl(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new DriverOptions(
            Get("redis"),
            Get("out"),
            (Get("topologies") ?? "single,redis2,redis2-proc").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Int("clients", 1000),
            Int("rooms", 100),
            Int("window", 2),
            Dbl("warmup", 1.5),
            Dbl("duration", 4),
            Int("rounds", 4),
            Int("jl-concurrency", 50),
            Dbl("jl-seconds", 5),
            Int("sadd-requests", 400_000),
            Int("queries", 500),
            Int("max-seconds", 900));
    }
}
