using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>A connection whose every write throws at once (as SignalR's specification's failing connection does).</summary>
internal static class FailingConnection
{
    public static TestConnection Create() => new(contextFactory: (connection, options) => new Throwing(connection, options));

    private sealed class Throwing(Microsoft.AspNetCore.Connections.ConnectionContext connection, HubConnectionContextOptions options)
        : HubConnectionContext(connection, options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
    {
        public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default) => throw new InvalidOperationException("Write failed.");

        public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default) => throw new InvalidOperationException("Write failed.");
    }
}
