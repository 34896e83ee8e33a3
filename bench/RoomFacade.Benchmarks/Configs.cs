using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RoomFacade.Benchmarks;

/// <summary>
/// Batch job for operations that change state (join, leave, disconnect): each iteration is one invocation of a
/// batch prepared by an [IterationSetup]; 1 warm-up and 5 measured iterations. In-process, so the one redis-server
/// of the process serves every benchmark.
/// </summary>
public sealed class BatchConfig : ManualConfig
{
    public BatchConfig()
    {
        AddJob(Job.Default
            .WithId("Batch")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>Short job for read-only queries: 2 warm-up and 5 measured iterations of ~250 ms, in-process.</summary>
public sealed class QueryConfig : ManualConfig
{
    public QueryConfig()
    {
        AddJob(Job.Default
            .WithId("Short")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
