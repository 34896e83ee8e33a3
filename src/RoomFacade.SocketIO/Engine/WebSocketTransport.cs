using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace RoomFacade.SocketIO.Engine;

/// <summary>
/// The WebSocket transport: one Engine.IO packet per frame (text <c>&lt;type&gt;&lt;data&gt;</c>, or a binary frame
/// that is a message as is), and the upgrade from polling (<c>2probe</c> → <c>3probe</c>, then <c>5</c>).
/// </summary>
internal static class WebSocketTransport
{
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(5);

    /// <summary>Runs a session that started over WebSocket (its open packet is already queued).</summary>
    public static async Task RunAsync(EngineIOSession session, WebSocket socket)
    {
        // A session closed for not reading (its queue full) may have a send stuck on a full TCP window: abort it.
        using var abort = session.Aborted.Register(socket.Abort);
        var closeStatus = new StrongBox<WebSocketCloseStatus>(WebSocketCloseStatus.NormalClosure);
        var reader = ReadLoopAsync(session, socket, closeStatus);
        await WriteLoopAsync(session, socket).ConfigureAwait(false);

        // The session closed (its queue is complete; a close packet, if any, went out last): close the socket, then
        // give the client a bounded time to answer the close frame.
        await CloseQuietlyAsync(socket, closeStatus.Value).ConfigureAwait(false);
        if (await Task.WhenAny(reader, Task.Delay(CloseBound)).ConfigureAwait(false) != reader)
        {
            socket.Abort();
        }

        await reader.ConfigureAwait(false);
    }

    /// <summary>A WebSocket for a session that is already upgrading or upgraded: accepted, then closed at once.</summary>
    public static Task RejectAsync(WebSocket socket) => CloseQuietlyAsync(socket, WebSocketCloseStatus.PolicyViolation);

    /// <summary>Runs the upgrade of a polling session; on success the WebSocket carries the session from then on.</summary>
    public static async Task UpgradeAsync(EngineIOSession session, WebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(session.Closed);
        timeout.CancelAfter(session.Options.UpgradeTimeout);
        try
        {
            var probe = await ReceiveAsync(socket, session.Options.MaxPayload, timeout.Token).ConfigureAwait(false);
            if (probe.Text != "2probe" || !session.TryBeginUpgrade())
            {
                await CloseQuietlyAsync(socket).ConfigureAwait(false);
                return;
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes("3probe"), WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                var next = await ReceiveAsync(socket, session.Options.MaxPayload, timeout.Token).ConfigureAwait(false);
                if (next.Text == "5")
                {
                    break;
                }

                if (next.Text != "6")
                {
                    session.CancelUpgrade();
                    await CloseQuietlyAsync(socket).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidDataException)
        {
            session.CancelUpgrade();
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
            return;
        }

        session.CompleteUpgrade();
        await RunAsync(session, socket).ConfigureAwait(false);
    }

    private static async Task ReadLoopAsync(EngineIOSession session, WebSocket socket, StrongBox<WebSocketCloseStatus> closeStatus)
    {
        try
        {
            while (true)
            {
                var message = await ReceiveAsync(socket, session.Options.MaxPayload, CancellationToken.None).ConfigureAwait(false);
                if (message.Closed)
                {
                    session.Close("transport close", notifyClient: false);
                    return;
                }

                if (message.Binary is { } binary)
                {
                    session.OnBinaryPacket(binary);
                }
                else if (!session.OnTextPacket(message.Text!))
                {
                    return;
                }
            }
        }
        catch (InvalidDataException)
        {
            closeStatus.Value = WebSocketCloseStatus.MessageTooBig;
            session.Close("payload over maxPayload", notifyClient: false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            session.Close("transport error", notifyClient: false);
        }
    }

    private static async Task WriteLoopAsync(EngineIOSession session, WebSocket socket)
    {
        try
        {
            await foreach (var frame in session.Outgoing.ReadAllAsync().ConfigureAwait(false))
            {
                if (frame.Binary is { } binary)
                {
                    await socket.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(frame.Text!), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            session.Close("transport error", notifyClient: false);
        }
    }

    private static async Task<Received> ReceiveAsync(WebSocket socket, int maxPayload, CancellationToken cancellationToken)
    {
        // Wait for the next frame without a buffer (a zero-byte read), so an idle connection holds none: only then rent one.
        var first = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return new Received(null, null, Closed: true);
        }

        if (first.EndOfMessage)
        {
            return first.MessageType == WebSocketMessageType.Binary ? new Received(null, [], Closed: false) : new Received(string.Empty, null, Closed: false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var collected = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return new Received(null, null, Closed: true);
                }

                if (collected.Length + result.Count > maxPayload)
                {
                    throw new InvalidDataException($"WebSocket message over maxPayload ({maxPayload} bytes).");
                }

                collected.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return result.MessageType == WebSocketMessageType.Binary
                        ? new Received(null, collected.ToArray(), Closed: false)
                        : new Received(Encoding.UTF8.GetString(collected.GetBuffer(), 0, (int)collected.Length), null, Closed: false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var bound = new CancellationTokenSource(CloseBound);
                await socket.CloseOutputAsync(status, null, bound.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private readonly record struct Received(string? Text, byte[]? Binary, bool Closed);
}
