using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Redis.Connection;
using RoomFacade.Testing;
using StackExchange.Redis.Profiling;

namespace RoomFacade.Redis.Tests;

/// <summary>
/// The Redis commands a test's own calls send through one server's multiplexer, from StackExchange.Redis's profiling.
/// The session is chosen per async flow, so what the server does in the background on the same multiplexer
/// (heartbeats, sweeps, reconciles, the backplane) and what other tests send to the same redis-server is not counted.
/// </summary>
internal sealed class OwnCommands
{
    private readonly AsyncLocal<ProfilingSession?> _session = new();

    /// <summary>Profiles the index multiplexer of the server whose services are <paramref name="server"/>.</summary>
    public static async Task<OwnCommands> AttachAsync(IServiceProvider server)
    {
        var commands = new OwnCommands();
        var multiplexer = await server.GetRequiredService<RedisConnection>().GetAsync().AsTask().DefaultTimeout();
        multiplexer.RegisterProfiler(() => commands._session.Value);
        return commands;
    }

    /// <summary>Runs <paramref name="calls"/>; returns how many commands of each name they sent (resends not counted).</summary>
    public async Task<Dictionary<string, int>> CountAsync(Func<Task> calls)
    {
        var session = new ProfilingSession();
        _session.Value = session;
        try
        {
            await calls();
        }
        finally
        {
            _session.Value = null;
        }

        return session.FinishProfiling()
            .Where(c => c.RetransmissionOf is null)
            .GroupBy(c => c.Command, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
