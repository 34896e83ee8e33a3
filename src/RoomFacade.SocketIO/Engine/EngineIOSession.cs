using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace RoomFacade.SocketIO.Engine;

/// <summary>
/// One Engine.IO v4 connection: its outgoing queue (drained by a polling GET or the WebSocket writer), the server
/// heartbeat, the transport state and the close. Transport handlers live in <see cref="PollingTransport"/> and
/// <see cref="WebSocketTransport"/>.
/// </summary>
internal sealed partial class EngineIOSession
{
    private readonly Channel<EngineFrame> _outgoing;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _aborted = new();
    private readonly Lock _lock = new();
    private readonly Action<EngineIOSession> _onClosed;
    private readonly Action<EngineIOSession>? _onOverflow;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TaskCompletionSource? _pong;
    private long _pongDue = long.MaxValue; // the timestamp a pong is due by: MaxValue while no ping is unanswered
    private CancellationTokenSource? _pendingPoll;
    private bool _postPending;
    private int _closedFlag;
    private int _releasedFlag;
    private int _overflowedFlag;

    public EngineIOSession(string id, SocketIOOptions options, TimeProvider time, ILogger logger, Action<EngineIOSession> onClosed, Action<EngineIOSession>? onOverflow = null)
    {
        Id = id;
        Options = options;
        _time = time;
        _logger = logger;
        _onClosed = onClosed;
        _onOverflow = onOverflow;

        // Bounded: a client that stops reading (no poll, a full TCP window) cannot make the server buffer without end.
        // Send keeps at most MaxBufferedPackets in it; the one slot more is for the close packet.
        _outgoing = Channel.CreateBounded<EngineFrame>(new BoundedChannelOptions(options.MaxBufferedPackets + 1)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
        });
    }

    public string Id { get; }

    public SocketIOOptions Options { get; }

    public EngineTransport Transport { get; private set; }

    public IEngineMessageHandler? Handler { get; set; }

    public ChannelReader<EngineFrame> Outgoing => _outgoing.Reader;

    public CancellationToken Closed => _closed.Token;

    /// <summary>Cancelled when the session is closed without waiting for the client (a WebSocket is aborted, not closed).</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool IsClosed => Volatile.Read(ref _closedFlag) != 0;

    /// <summary>Whether a polling GET is waiting for packets.</summary>
    public bool HasPendingPoll
    {
        get
        {
            lock (_lock)
            {
                return _pendingPoll is not null;
            }
        }
    }

    /// <summary>The open packet: exactly the five keys of the reference server.</summary>
    public string OpenPacket(bool upgradable) => string.Create(CultureInfo.InvariantCulture,
        $"0{{\"sid\":\"{Id}\",\"upgrades\":[{(upgradable ? "\"websocket\"" : string.Empty)}],\"pingInterval\":{(long)Options.PingInterval.TotalMilliseconds},\"pingTimeout\":{(long)Options.PingTimeout.TotalMilliseconds},\"maxPayload\":{Options.MaxPayload}}}");

    public void Start(EngineTransport transport)
    {
        Transport = transport;
        _ = HeartbeatAsync();
    }

    /// <summary>
    /// Closes the session when, by the clock, pingTimeout has passed since a ping the client has not answered;
    /// <see langword="true"/> when it did. A request arriving after that moment is answered as for a closed session
    /// even when the heartbeat's timeout timer has not fired yet (a busy thread pool fires it late). Never before a
    /// ping has been out for pingTimeout, so a ping sent late still gives the client its whole pingTimeout.
    /// </summary>
    public bool CloseIfPongOverdue()
    {
        if (IsClosed || _time.GetTimestamp() <= Volatile.Read(ref _pongDue))
        {
            return false;
        }

        Close("ping timeout", notifyClient: false, releaseNow: true);
        return true;
    }

    /// <summary>
    /// Queues one packet; <see langword="false"/> when the session is closed, or when its queue already holds
    /// <see cref="SocketIOOptions.MaxBufferedPackets"/> packets: the session is then closed (never a silent drop).
    /// </summary>
    public bool Send(EngineFrame frame) => Send(new ReadOnlySpan<EngineFrame>(in frame));

    /// <summary>
    /// Queues several packets with no other packet between them (a Socket.IO packet and its binary attachments): all of
    /// them, or none when they do not all fit.
    /// </summary>
    public bool Send(ReadOnlySpan<EngineFrame> frames)
    {
        lock (_lock)
        {
            if (IsClosed)
            {
                return false;
            }

            if (_outgoing.Reader.Count + frames.Length <= Options.MaxBufferedPackets)
            {
                foreach (var frame in frames)
                {
                    _outgoing.Writer.TryWrite(frame);
                }

                return true;
            }
        }

        return Overflowed();
    }

    /// <summary>A write found the queue full (not closed): the client stopped reading, so the session is closed (counted once).</summary>
    private bool Overflowed()
    {
        if (!IsClosed && Interlocked.Exchange(ref _overflowedFlag, 1) == 0)
        {
            LogOverflow(_logger, Id, Options.MaxBufferedPackets, Transport);
            _onOverflow?.Invoke(this);
            Close("outgoing queue full (slow client)", notifyClient: false, releaseNow: true, abort: true);
        }

        return false;
    }

    /// <summary>
    /// Handles one incoming packet in text form (<c>&lt;type&gt;&lt;data&gt;</c>); <see langword="false"/> when it is not
    /// an Engine.IO packet a client may send (the session is then closed and forgotten at once).
    /// </summary>
    public bool OnTextPacket(string packet)
    {
        switch (packet.Length == 0 ? '\0' : packet[0])
        {
            case '1':
                Close("transport close", notifyClient: false);
                return true;
            case '3':
                Volatile.Write(ref _pongDue, long.MaxValue);
                Volatile.Read(ref _pong)?.TrySetResult();
                return true;
            case '4':
                Handler?.OnTextMessage(packet[1..]);
                return true;
            case '6':
                return true;
            case '2':
                Close("invalid heartbeat direction", notifyClient: false, releaseNow: true);
                return false;
            default:
                Close("parse error", notifyClient: false, releaseNow: true);
                return false;
        }
    }

    public void OnBinaryPacket(byte[] data) => Handler?.OnBinaryMessage(data);

    /// <summary>Registers a polling GET; <see langword="false"/> when another GET is pending (the caller closes the session).</summary>
    public bool TryBeginPoll(CancellationToken requestAborted, out CancellationTokenSource poll)
    {
        lock (_lock)
        {
            poll = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closed.Token);
            if (_pendingPoll is not null)
            {
                return false;
            }

            _pendingPoll = poll;
            return true;
        }
    }

    /// <summary>Ends a polling GET.</summary>
    public void EndPoll(CancellationTokenSource poll)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_pendingPoll, poll))
            {
                _pendingPoll = null;
            }

            poll.Dispose();
        }
    }

    public bool TryBeginPost()
    {
        lock (_lock)
        {
            if (_postPending)
            {
                return false;
            }

            _postPending = true;
            return true;
        }
    }

    public void EndPost()
    {
        lock (_lock)
        {
            _postPending = false;
        }
    }

    /// <summary>A WebSocket probe succeeded (<c>2probe</c>/<c>3probe</c>): a pending GET is answered with a noop.</summary>
    public bool TryBeginUpgrade()
    {
        lock (_lock)
        {
            if (Transport != EngineTransport.Polling || IsClosed)
            {
                return false;
            }

            Transport = EngineTransport.Upgrading;
            ReleasePollLocked();
            return true;
        }
    }

    /// <summary>The client sent <c>5</c>: polling ends, the WebSocket carries everything from now on.</summary>
    public void CompleteUpgrade()
    {
        lock (_lock)
        {
            Transport = EngineTransport.WebSocket;
            ReleasePollLocked();
        }
    }

    public void CancelUpgrade()
    {
        lock (_lock)
        {
            if (Transport == EngineTransport.Upgrading)
            {
                Transport = EngineTransport.Polling;
            }
        }
    }

    private void ReleasePollLocked()
    {
        if (_pendingPoll is { } poll)
        {
            poll.Cancel();
        }
    }

    /// <summary>
    /// Closes the session once: optionally sends a close packet first, ends the heartbeat, tells the handler. Over
    /// polling with no GET waiting, the sid stays known until the next GET (bounded by pingTimeout), which receives the
    /// close packet or a noop; <paramref name="releaseNow"/> forgets it at once (invalid input).
    /// </summary>
    public void Close(string reason, bool notifyClient, bool releaseNow = false, bool abort = false)
    {
        if (Interlocked.Exchange(ref _closedFlag, 1) != 0)
        {
            return;
        }

        LogClosed(_logger, Id, reason);
        bool keepForPoll;
        lock (_lock)
        {
            if (notifyClient)
            {
                _outgoing.Writer.TryWrite(EngineFrame.FromText("1"));
            }

            _outgoing.Writer.TryComplete();

            keepForPoll = !releaseNow && Transport != EngineTransport.WebSocket && _pendingPoll is null;
        }

        if (keepForPoll)
        {
            _ = ReleaseLaterAsync();
        }
        else
        {
            Release();
        }

        try
        {
            Handler?.OnClose(reason);
        }
        finally
        {
            if (abort)
            {
                _aborted.Cancel();
            }

            _closed.Cancel();
        }
    }

    /// <summary>Forgets the closed session: its sid becomes unknown (idempotent).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _releasedFlag, 1) == 0)
        {
            _onClosed(this);
        }
    }

    private async Task ReleaseLaterAsync()
    {
        await Task.Delay(Options.PingTimeout, _time).ConfigureAwait(false);
        Release();
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            while (!IsClosed)
            {
                await Task.Delay(Options.PingInterval, _time, _closed.Token).ConfigureAwait(false);
                var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _pong, pong);
                Volatile.Write(ref _pongDue, _time.GetTimestamp() + (long)(Options.PingTimeout.TotalSeconds * _time.TimestampFrequency));
                Send(EngineFrame.FromText("2"));
                var timeout = Task.Delay(Options.PingTimeout, _time, _closed.Token);
                if (await Task.WhenAny(pong.Task, timeout).ConfigureAwait(false) != pong.Task)
                {
                    await timeout.ConfigureAwait(false);
                    Close("ping timeout", notifyClient: false, releaseNow: true);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Engine.IO session {Sid} has {Limit} packets waiting to be sent over {Transport} (the client stopped reading); closing it (SocketIOOptions.MaxBufferedPackets).")]
    private static partial void LogOverflow(ILogger logger, string sid, int limit, EngineTransport transport);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Engine.IO session {Sid} closed: {Reason}.")]
    private static partial void LogClosed(ILogger logger, string sid, string reason);
}
