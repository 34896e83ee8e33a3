using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RoomFacade.Benchmarks;

/// <summary>
/// <c>RoomFacade.Benchmarks [all|micro|memory] [--out DIR] [BenchmarkDotNet args such as --filter *Members*]</c>.
/// Writes <c>micro.json</c> and/or <c>memory.json</c> to DIR (default <c>bench-results</c>).
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static int Main(string[] args)
    {
        var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "all";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        var outDir = "bench-results";
        var bdnArgs = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--out" && i + 1 < rest.Length)
            {
                outDir = rest[++i];
            }
            else
            {
                bdnArgs.Add(rest[i]);
            }
        }

        Directory.CreateDirectory(outDir);
        try
        {
            if (mode is "all" or "memory")
            {
                var memory = MemoryMeasurement.Run();
                File.WriteAllText(Path.Combine(outDir, "memory.json"), JsonSerializer.Serialize(memory, Json));
                Console.WriteLine(JsonSerializer.Serialize(memory, Json));
            }

            if (mode is "all" or "micro")
            {
                var config = DefaultConfig.Instance
                    .WithArtifactsPath(Path.Combine(Path.GetFullPath(outDir), "BenchmarkDotNet.Artifacts"))
                    .WithOptions(ConfigOptions.DisableLogFile);
                var switcher = BenchmarkSwitcher.FromTypes([typeof(EmitBenchmarks), typeof(MembershipBenchmarks), typeof(MembersBenchmarks), typeof(RoomsBenchmarks), typeof(RawRedisBenchmarks)]);
                var summaries = bdnArgs.Count == 0 ? switcher.RunAll(config) : switcher.Run([.. bdnArgs], config);
                var rows = summaries.SelectMany(ToRows).ToList();
                File.WriteAllText(Path.Combine(outDir, "micro.json"), JsonSerializer.Serialize(rows, Json));
                if (rows.Count == 0 || rows.Any(r => r.MeanNs is null))
                {
                    Console.Error.WriteLine("Some benchmarks produced no result (see the BenchmarkDotNet log above).");
                    return 1;
                }
            }

            return 0;
        }
        finally
        {
            StoreHarness.StopRedis();
        }
    }

    private static IEnumerable<MicroRow> ToRows(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var bc = report.BenchmarkCase;
            var parameters = bc.Parameters.Items.ToDictionary(p => p.Name, p => p.Value?.ToString() ?? string.Empty);
            var stats = report.ResultStatistics;
            long? allocated = report.GcStats.GetBytesAllocatedPerOperation(bc);
            yield return new MicroRow(
                bc.Descriptor.Type.Name,
                bc.Descriptor.WorkloadMethod.Name,
                parameters,
                stats?.Mean,
                stats?.Median,
                stats?.StandardError,
                allocated);
        }
    }

    private sealed record MicroRow(string Type, string Method, Dictionary<string, string> Parameters, double? MeanNs, double? MedianNs, double? StdErrNs, long? AllocatedBytesPerOp);
}
