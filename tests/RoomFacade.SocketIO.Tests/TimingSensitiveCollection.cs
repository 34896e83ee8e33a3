using Xunit;

namespace RoomFacade.SocketIO.Tests;

/// <summary>
/// Tests bound by sub-second heartbeats (the conformance host's 300 ms ping and 200 ms pong timeout, the Engine.IO
/// wire tests' ping timeout) run alone, after the parallel ones: the scale-out, browser and slow-client tests of this
/// assembly load a 2-core machine enough to delay a pong past 200 ms (seen once in a full run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "Timing-sensitive (run alone)";
}
