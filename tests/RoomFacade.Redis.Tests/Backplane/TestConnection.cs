using System.Buffers;
using System.IO.Pipelines;
using System.Security.Claims;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// A SignalR connection as a hub lifetime manager sees it (a real <see cref="HubConnectionContext"/> over pipes, JSON
/// protocol unless another is given), with the client's end: what the server wrote to it, parsed.
/// </summary>
internal sealed class TestConnection : IInvocationBinder
{
    private readonly Pipe _toClient;
    private readonly IHubProtocol _protocol;

    public TestConnection(string? userId = null, string? id = null, long pauseWriterThreshold = 64 * 1024, Func<ConnectionContext, HubConnectionContextOptions, HubConnectionContext>? contextFactory = null, IHubProtocol? protocol = null)
    {
        _protocol = protocol ?? new JsonHubProtocol();
        _toClient = new Pipe(new PipeOptions(pauseWriterThreshold: pauseWriterThreshold, resumeWriterThreshold: pauseWriterThreshold / 2, useSynchronizationContext: false));
        var toServer = new Pipe();
        var connection = new DefaultConnectionContext(id ?? Guid.NewGuid().ToString("N"), new Duplex(toServer.Reader, _toClient.Writer), new Duplex(_toClient.Reader, toServer.Writer));
        if (userId is not null)
        {
            connection.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test"));
        }

        var options = new HubConnectionContextOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan, ClientTimeoutInterval = Timeout.InfiniteTimeSpan };
        Context = contextFactory?.Invoke(connection, options) ?? new HubConnectionContext(connection, options, NullLoggerFactory.Instance);
        Context.Protocol = _protocol;
        if (userId is not null)
        {
            typeof(HubConnectionContext).GetProperty(nameof(HubConnectionContext.UserIdentifier))!.SetValue(Context, userId);
        }
    }

    public HubConnectionContext Context { get; }

    public string Id => Context.ConnectionId;

    /// <summary>The next message the server wrote, if one is there now (no waiting).</summary>
    public HubMessage? TryRead()
    {
        if (!_toClient.Reader.TryRead(out var result))
        {
            return null;
        }

        return Parse(result);
    }

    /// <summary>The next message the server writes (bounded wait).</summary>
    public async Task<HubMessage> ReadAsync()
    {
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync().AsTask().DefaultTimeout();
            if (Parse(result) is { } message)
            {
                return message;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The connection was closed.");
            }
        }
    }

    public async Task<InvocationMessage> ReadInvocationAsync() => Assert.IsType<InvocationMessage>(await ReadAsync());

    Type IInvocationBinder.GetReturnType(string invocationId) => typeof(object);

    IReadOnlyList<Type> IInvocationBinder.GetParameterTypes(string methodName) => [typeof(object)];

    Type IInvocationBinder.GetStreamItemType(string streamId) => typeof(object);

    private HubMessage? Parse(ReadResult result)
    {
        var buffer = result.Buffer;
        if (_protocol.TryParseMessage(ref buffer, this, out var message))
        {
            _toClient.Reader.AdvanceTo(buffer.Start);
            return message;
        }

        _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
        return null;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
