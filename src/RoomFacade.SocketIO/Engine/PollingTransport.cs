using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RoomFacade.SocketIO.Engine;

/// <summary>
/// HTTP long-polling: a GET is held until packets are queued and answers them joined by the record separator
/// <c>\x1e</c> (binary as <c>b</c> + base64); a POST carries packets to the server and is answered <c>ok</c>.
/// </summary>
internal static class PollingTransport
{
    public const char Separator = '\x1e';

    public static async Task HandleGetAsync(EngineIOSession session, HttpContext context)
    {
        if (session.Transport == EngineTransport.Upgrading)
        {
            await WriteAsync(context, "6").ConfigureAwait(false);
            return;
        }

        if (!session.TryBeginPoll(context.RequestAborted, out var poll))
        {
            poll.Dispose();
            session.Close("duplicate poll", notifyClient: true);
            await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        string? payload = null;
        try
        {
            // Queued packets (a close packet of a closed session included) go out at once; otherwise wait.
            if (session.Outgoing.TryPeek(out _) || await session.Outgoing.WaitToReadAsync(poll.Token).ConfigureAwait(false))
            {
                payload = Drain(session);
            }
        }
        catch (OperationCanceledException)
        {
        }

        session.EndPoll(poll);
        if (session.IsClosed)
        {
            session.Release();
        }

        if (payload is null && context.RequestAborted.IsCancellationRequested)
        {
            session.Close("poll cancelled by the client", notifyClient: false, releaseNow: true);
            return;
        }

        await WriteAsync(context, payload ?? "6").ConfigureAwait(false);
    }

    public static async Task HandlePostAsync(EngineIOSession session, HttpContext context)
    {
        if (!session.TryBeginPost())
        {
            session.Close("overlapping POST", notifyClient: true);
            await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        try
        {
            var body = await ReadBodyAsync(context.Request.Body, session.Options.MaxPayload, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                session.Close("payload over maxPayload", notifyClient: true);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            foreach (var record in body.Split(Separator))
            {
                if (session.IsClosed)
                {
                    break;
                }

                if (record.Length > 0 && record[0] == 'b')
                {
                    byte[] data;
                    try
                    {
                        data = Convert.FromBase64String(record[1..]);
                    }
                    catch (FormatException)
                    {
                        session.Close("parse error", notifyClient: false, releaseNow: true);
                        await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
                        return;
                    }

                    session.OnBinaryPacket(data);
                }
                else if (!session.OnTextPacket(record))
                {
                    await EngineErrors.WriteAsync(context, EngineErrors.BadRequest).ConfigureAwait(false);
                    return;
                }
            }

            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            session.EndPost();
        }
    }

    private static string Drain(EngineIOSession session)
    {
        var sb = new StringBuilder();
        while (session.Outgoing.TryRead(out var frame))
        {
            if (sb.Length > 0)
            {
                sb.Append(Separator);
            }

            if (frame.Binary is { } binary)
            {
                sb.Append('b').Append(Convert.ToBase64String(binary));
            }
            else
            {
                sb.Append(frame.Text);
            }
        }

        return sb.ToString();
    }

    private static async Task WriteAsync(HttpContext context, string payload)
    {
        context.Response.ContentType = "text/plain; charset=UTF-8";
        await context.Response.WriteAsync(payload, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads the body as UTF-8; <see langword="null"/> when it is longer than <paramref name="maxPayload"/> bytes.</summary>
    private static async Task<string?> ReadBodyAsync(Stream body, int maxPayload, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxPayload + 1, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (collected.Length + read > maxPayload)
                {
                    return null;
                }

                collected.Write(buffer, 0, read);
            }

            return Encoding.UTF8.GetString(collected.GetBuffer(), 0, (int)collected.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
