using Microsoft.Extensions.Logging.Abstractions;
using RoomFacade.SocketIO.Engine;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>The bounded outgoing queue of one Engine.IO session: whole packets only, and room for the close packet.</summary>
public sealed class OutgoingQueueTests
{
    [Fact]
    public async Task A_packet_with_attachments_that_does_not_fit_is_not_queued_in_part()
    {
        var overflows = 0;
        var session = new EngineIOSession("s", new SocketIOOptions { MaxBufferedPackets = 3 }, TimeProvider.System, NullLogger.Instance, _ => { }, _ => overflows++);
        Assert.True(session.Send(EngineFrame.FromText("4a")));
        Assert.True(session.Send(EngineFrame.FromText("4b")));

        Assert.False(session.Send([EngineFrame.FromText("451-[\"x\",{\"_placeholder\":true,\"num\":0}]"), EngineFrame.FromBinary([1])]));
        Assert.False(session.Send(EngineFrame.FromText("4c")));

        Assert.Equal(["4a", "4b"], (await ReadAllAsync(session)).Select(f => f.Text));
        Assert.Equal(1, overflows);
    }

    [Fact]
    public async Task Closing_a_session_whose_queue_is_full_still_queues_the_close_packet()
    {
        var session = new EngineIOSession("s", new SocketIOOptions { MaxBufferedPackets = 2 }, TimeProvider.System, NullLogger.Instance, _ => { });
        Assert.True(session.Send(EngineFrame.FromText("4a")));
        Assert.True(session.Send(EngineFrame.FromText("4b")));

        session.Close("test", notifyClient: true, releaseNow: true);

        Assert.Equal(["4a", "4b", "1"], (await ReadAllAsync(session)).Select(f => f.Text));
    }

    private static async Task<List<EngineFrame>> ReadAllAsync(EngineIOSession session)
    {
        var frames = new List<EngineFrame>();
        await foreach (var frame in session.Outgoing.ReadAllAsync().WithCancellation(new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan).Token))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
