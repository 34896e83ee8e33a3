using System.IO.Pipelines;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>A reader and a writer seen as one duplex pipe (one side of a virtual connection).</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
