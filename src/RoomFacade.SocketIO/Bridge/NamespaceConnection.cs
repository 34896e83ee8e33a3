using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using RoomFacade.SocketIO.Protocol;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// One Socket.IO namespace connection run as a virtual SignalR connection of the namespace's hub: the hub pipeline
/// reads SignalR's handshake and <see cref="HubFrame"/>s from one pipe and writes to another, which this pump turns
/// into Socket.IO packets (namespace prefix, numeric ack ids, attachments back to back).
/// </summary>
internal sealed class NamespaceConnection
{
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"socketio\",\"version\":1}\u001e");

    private readonly Pipe _toHub = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromHub = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly ConcurrentDictionary<long, string> _serverAcks = new();
    private readonly Lock _writeLock = new();
    private readonly SocketIOConnection _owner;
    private long _nextAckId;
    private int _closedByClient;

    private readonly long? _maxMessageSize;
    private SocketIOFeature? _feature;

    public NamespaceConnection(SocketIOConnection owner, string @namespace, string id, long? maxMessageSize)
    {
        _owner = owner;
        _maxMessageSize = maxMessageSize;
        Namespace = @namespace;
        Id = id;
    }

    public string Namespace { get; }

    public string Id { get; }

    /// <summary>Starts the hub pipeline and the pump.</summary>
    public void Start(ConnectionDelegate pipeline, HttpContext handshake, JsonElement auth, string engineSessionId)
    {
        var context = new DefaultConnectionContext(Id, new DuplexPipe(_toHub.Reader, _fromHub.Writer), new DuplexPipe(_fromHub.Reader, _toHub.Writer));
        context.Features.Set<IHttpContextFeature>(new HttpContextFeature { HttpContext = handshake });
        context.Features.Set<IConnectionUserFeature>(new ConnectionUserFeature { User = handshake.User });
        _feature = new SocketIOFeature(auth, Namespace, engineSessionId);
        context.Features.Set<ISocketIOFeature>(_feature);
        lock (_writeLock)
        {
            _toHub.Writer.Write(Handshake);
            _ = _toHub.Writer.FlushAsync();
        }

        _ = RunAsync(pipeline, context);
    }

    /// <summary>
    /// An event for the hub. One larger than the hub's <c>MaximumReceiveMessageSize</c> closes the connection, as
    /// SignalR does for its own clients, with a log entry naming the limit.
    /// </summary>
    public void OnEvent(SocketIOPacket packet, IReadOnlyList<byte[]> attachments)
    {
        var size = Encoding.UTF8.GetByteCount(packet.Data!.Value.GetRawText()) + attachments.Sum(a => (long)a.Length);
        if (size > _maxMessageSize)
        {
            _owner.RejectOversizedEvent(Namespace, size, _maxMessageSize.Value);
            return;
        }

        WriteToHub(HubFrameKind.Event, packet.AckId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, packet.Data!.Value, attachments);
    }

    /// <summary>The client acked a server invocation (a SignalR client result); an ack for an unknown id is ignored.</summary>
    public void OnAck(SocketIOPacket packet, IReadOnlyList<byte[]> attachments)
    {
        if (packet.AckId is { } ackId && _serverAcks.TryRemove(ackId, out var invocationId))
        {
            WriteToHub(HubFrameKind.Completion, invocationId, packet.Data!.Value, attachments);
        }
    }

    /// <summary>The client left the namespace (DISCONNECT) or the Engine.IO connection closed.</summary>
    public void Close(Exception? error)
    {
        if (Interlocked.Exchange(ref _closedByClient, 1) != 0)
        {
            return;
        }

        lock (_writeLock)
        {
            _toHub.Writer.Complete(error);
        }
    }

    private void WriteToHub(HubFrameKind kind, string id, JsonElement data, IReadOnlyList<byte[]> attachments)
    {
        lock (_writeLock)
        {
            if (Volatile.Read(ref _closedByClient) != 0)
            {
                return;
            }

            HubFrame.Write(_toHub.Writer, kind, id, Encoding.UTF8.GetBytes(data.GetRawText()), attachments);
            _ = _toHub.Writer.FlushAsync();
        }
    }

    private async Task RunAsync(ConnectionDelegate pipeline, ConnectionContext context)
    {
        var pump = PumpAsync();
        try
        {
            await pipeline(context).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The hub pipeline logs its own failures; the transport closes below.
        }
        finally
        {
            _feature!.PipelineEnded();
            await _fromHub.Writer.CompleteAsync().ConfigureAwait(false);
        }

        var serverClosed = await pump.ConfigureAwait(false);
        _owner.OnNamespaceEnded(this, serverClosed && Volatile.Read(ref _closedByClient) == 0);
    }

    /// <summary>Reads the hub's output until it completes; returns whether the hub ended the connection without an error.</summary>
    private async Task<bool> PumpAsync()
    {
        var reader = _fromHub.Reader;

        // The CONNECT is answered once OnConnectedAsync ended (its sends wait in the pipe), so that a refusal there is a
        // CONNECT_ERROR, as a Node middleware's next(err). The wait is bounded by connectTimeout, and so is what waits.
        var outcome = _feature!.Outcome.WaitAsync(_owner.Options.ConnectTimeout, _owner.Time);
        _ = outcome.ContinueWith(static (_, r) => ((PipeReader)r!).CancelPendingRead(), reader, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var handshakeDone = false;
        var outcomeKnown = false;
        var failing = false;
        long counted = 0;
        var waiting = 0;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!handshakeDone && TryReadHandshake(ref buffer, out var error))
            {
                handshakeDone = true;
                if (error is not null)
                {
                    _owner.SendConnectError(Namespace, error);
                    return await StopAsync(reader, buffer).ConfigureAwait(false);
                }
            }

            if (handshakeDone && !outcomeKnown)
            {
                if (!outcome.IsCompleted && !result.IsCompleted)
                {
                    // Still connecting: frames (broadcasts to its rooms, sends of OnConnectedAsync) wait unread, at most
                    // MaxBufferedPackets of them, as in the Engine.IO queue they are bound for.
                    var rest = buffer.Slice(counted);
                    while (HubFrame.TryRead(ref rest, out var waitingFrame))
                    {
                        waiting += 1 + waitingFrame.Attachments.Count;
                    }

                    counted = buffer.Length - rest.Length;
                    if (waiting > _owner.Options.MaxBufferedPackets)
                    {
                        _owner.FailTransport("outgoing queue full while connecting (slow OnConnectedAsync)");
                        return await StopAsync(reader, buffer).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                outcomeKnown = true;
                ConnectOutcome connectOutcome;
                try
                {
                    connectOutcome = await outcome.ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _owner.FailTransport("connect timeout (OnConnectedAsync did not end)");
                    return await StopAsync(reader, buffer).ConfigureAwait(false);
                }

                if (connectOutcome.Kind == ConnectOutcomeKind.Refused)
                {
                    _owner.OnNamespaceEnded(this, serverDisconnect: false);
                    _owner.SendConnectError(Namespace, connectOutcome.Refusal!.Message, (connectOutcome.Refusal as SocketIOConnectRefusedException)?.ErrorData);
                    return await StopAsync(reader, buffer).ConfigureAwait(false);
                }

                failing = connectOutcome.Kind == ConnectOutcomeKind.Failed;
                if (!failing)
                {
                    _owner.Send(SocketIOPacketParser.Encode(SocketIOPacketType.Connect, Namespace, null, $"{{\"sid\":\"{Id}\"}}"), []);
                    _owner.OnNamespaceConnected();
                }
            }

            while (handshakeDone && HubFrame.TryRead(ref buffer, out var frame))
            {
                // A connect that failed is not a namespace yet: only its closing error goes on (as a transport close).
                if ((!failing || frame.Kind == HubFrameKind.Failure) && !Forward(frame))
                {
                    return await StopAsync(reader, buffer).ConfigureAwait(false);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                if (failing)
                {
                    _owner.FailTransport("hub connection failed while connecting");
                }

                return handshakeDone && !failing;
            }
        }
    }

    /// <summary>Stops reading the hub's output (what it writes from now on is dropped); the hub did not end cleanly.</summary>
    private static async Task<bool> StopAsync(PipeReader reader, ReadOnlySequence<byte> buffer)
    {
        reader.AdvanceTo(buffer.End);
        await reader.CompleteAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Sends one hub frame to the client; <see langword="false"/> when the hub failed the connection.</summary>
    private bool Forward(HubFrame frame)
    {
        var binary = frame.Attachments.Count > 0;
        switch (frame.Kind)
        {
            case HubFrameKind.Event:
                _owner.Send(SocketIOPacketParser.Encode(binary ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event, Namespace, null, frame.Json, frame.Attachments.Count), frame.Attachments);
                return true;
            case HubFrameKind.Invocation:
                var ackId = Interlocked.Increment(ref _nextAckId);
                _serverAcks[ackId] = frame.Id;
                _owner.Send(SocketIOPacketParser.Encode(binary ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event, Namespace, ackId, frame.Json, frame.Attachments.Count), frame.Attachments);
                return true;
            case HubFrameKind.Ack:
                if (long.TryParse(frame.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    _owner.Send(SocketIOPacketParser.Encode(binary ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack, Namespace, id, frame.Json, frame.Attachments.Count), frame.Attachments);
                }

                return true;
            case HubFrameKind.Failure:
                // A failed connection (OnConnectedAsync threw, the index is down...) closes the transport, not the
                // namespace: the client reconnects with backoff instead of staying disconnected.
                _owner.FailTransport($"hub closed the connection with an error: {frame.Json}");
                return false;
            default:
                return true;
        }
    }

    /// <summary>Reads SignalR's handshake response <c>{}\x1e</c> or <c>{"error":"…"}\x1e</c>.</summary>
    private static bool TryReadHandshake(ref ReadOnlySequence<byte> buffer, out string? error)
    {
        error = null;
        if (buffer.PositionOf((byte)0x1e) is not { } end)
        {
            return false;
        }

        var json = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("error", out var e))
        {
            error = e.GetString() ?? "handshake failed";
        }

        return true;
    }

    private sealed class HttpContextFeature : IHttpContextFeature
    {
        public HttpContext? HttpContext { get; set; }
    }

    private sealed class ConnectionUserFeature : IConnectionUserFeature
    {
        public System.Security.Claims.ClaimsPrincipal? User { get; set; }
    }
}
