namespace RoomFacade.LoadDriver;

/// <summary>Latency summary in milliseconds (nearest-rank percentiles).</summary>
public sealed record LatencyStats(int Count, double? P50Ms, double? P99Ms, double? MeanMs)
{
    public static LatencyStats Of(IEnumerable<double> samples)
    {
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return sorted.Length == 0
            ? new LatencyStats(0, null, null, null)
            : new LatencyStats(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 99), sorted.Average());
    }

    private static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
