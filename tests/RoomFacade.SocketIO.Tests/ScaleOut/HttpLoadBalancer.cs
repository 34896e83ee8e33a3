using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RoomFacade.SocketIO.Tests.ScaleOut;

/// <summary>One request the balancer forwarded: the server index, the request line, the session cookie sent (if any),
/// the response status and its body (de-chunked; empty for a 101 upgrade).</summary>
internal sealed record ForwardedExchange(int Server, string RequestLine, string? Cookie, int Status, string Body);

/// <summary>
/// An HTTP/1.1 load balancer on 127.0.0.1 in front of several servers. Each request is forwarded on its own: the
/// upstream request gets <c>Connection: close</c>, and the client connection is closed after the response, so
/// connection reuse never carries a session to a server by accident. A WebSocket upgrade keeps its connection to the
/// server it was routed to. Without an affinity cookie name, requests go round-robin. With one, a request whose cookie
/// value the balancer has seen in a <c>Set-Cookie</c> of some server goes to that server; any other goes round-robin.
/// </summary>
internal sealed class HttpLoadBalancer : LoopbackTcpServer
{
    private const int MaxHead = 64 * 1024;
    private const int MaxCapturedBody = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly int[] _ports;
    private readonly string? _cookieName;
    private readonly ConcurrentDictionary<string, int> _affinity = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ForwardedExchange> _exchanges = new();
    private int _next = -1;

    public HttpLoadBalancer(IEnumerable<int> serverPorts, string? affinityCookie)
    {
        _ports = [.. serverPorts];
        _cookieName = affinityCookie;
        Start();
    }

    /// <summary>Every request forwarded so far whose response has ended (upgrades when the 101 was sent).</summary>
    public IReadOnlyList<ForwardedExchange> Exchanges => [.. _exchanges];

    /// <summary>The server a cookie value was set by, or <see langword="null"/> if no server set it.</summary>
    public int? ServerOf(string cookieValue) => _affinity.TryGetValue(cookieValue, out var server) ? server : null;

    protected override async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        using (var done = CancellationTokenSource.CreateLinkedTokenSource(Stopping))
        {
            try
            {
                var downstream = client.GetStream();
                var (requestHead, requestRest) = await ReadHeadAsync(downstream, done.Token);
                if (requestHead is null)
                {
                    return;
                }

                var lines = requestHead.Split("\r\n");
                var cookie = _cookieName is null ? null : CookieValue(Headers(lines, "Cookie"), _cookieName);
                var isUpgrade = Headers(lines, "Upgrade").Any();
                var server = cookie is not null && _affinity.TryGetValue(cookie, out var sticky)
                    ? sticky
                    : (int)((uint)Interlocked.Increment(ref _next) % (uint)_ports.Length);

                await upstream.ConnectAsync(IPAddress.Loopback, _ports[server], done.Token);
                var up = upstream.GetStream();
                await up.WriteAsync(Encoding.ASCII.GetBytes(Rewrite(lines, isUpgrade)), done.Token);
                await up.WriteAsync(requestRest, done.Token);
                var toServer = CopyAsync(downstream, up, done.Token, capture: null); // the body, or WebSocket frames

                var (responseHead, responseRest) = await ReadHeadAsync(up, done.Token);
                if (responseHead is null)
                {
                    return;
                }

                var responseLines = responseHead.Split("\r\n");
                var status = int.Parse(responseLines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (_cookieName is not null && CookieValue(Headers(responseLines, "Set-Cookie"), _cookieName) is { } set)
                {
                    _affinity[set] = server;
                }

                await downstream.WriteAsync(Encoding.ASCII.GetBytes(responseHead + "\r\n\r\n"), done.Token);
                await downstream.WriteAsync(responseRest, done.Token);
                if (status == 101)
                {
                    _exchanges.Enqueue(new ForwardedExchange(server, lines[0], cookie, status, ""));
                    await Task.WhenAny(toServer, CopyAsync(up, downstream, done.Token, capture: null));
                    return;
                }

                using var body = new MemoryStream();
                body.Write(responseRest);
                await CopyAsync(up, downstream, done.Token, body); // until the server closes (Connection: close)
                var chunked = Headers(responseLines, "Transfer-Encoding").Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase));
                _exchanges.Enqueue(new ForwardedExchange(server, lines[0], cookie, status, chunked ? Dechunk(body.ToArray()) : Encoding.UTF8.GetString(body.ToArray())));
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // A side closed or the balancer stops: the client sees its connection end.
            }
            finally
            {
                await done.CancelAsync();
            }
        }
    }

    /// <summary>The head without its <c>Connection</c>/<c>Keep-Alive</c> headers, then <c>Connection: close</c> (an
    /// upgrade keeps its head as is).</summary>
    private static string Rewrite(string[] lines, bool isUpgrade)
    {
        if (isUpgrade)
        {
            return string.Join("\r\n", lines) + "\r\n\r\n";
        }

        var kept = lines.Where(l => !IsHeader(l, "Connection") && !IsHeader(l, "Keep-Alive"));
        return string.Join("\r\n", kept) + "\r\nConnection: close\r\n\r\n";
    }

    private static bool IsHeader(string line, string name)
        => line.Length > name.Length && line[name.Length] == ':' && line.StartsWith(name, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Headers(string[] lines, string name)
        => lines.Skip(1).Where(l => IsHeader(l, name)).Select(l => l[(name.Length + 1)..].Trim());

    /// <summary>The value of cookie <paramref name="name"/> in <c>Cookie</c> or <c>Set-Cookie</c> header values.</summary>
    private static string? CookieValue(IEnumerable<string> headerValues, string name)
        => headerValues
            .SelectMany(v => v.Split(';'))
            .Select(pair => pair.Trim())
            .Where(pair => pair.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(pair => pair[(name.Length + 1)..])
            .FirstOrDefault();

    /// <summary>Reads up to the blank line ending an HTTP head: the head (without that line) and the bytes read after
    /// it; a <see langword="null"/> head if the peer closed first.</summary>
    private static async Task<(string? Head, byte[] Tail)> ReadHeadAsync(Stream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0)
            {
                return (null, []);
            }

            length += read;
            var end = buffer.AsSpan(0, length).IndexOf(HeadEnd);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + HeadEnd.Length)..length]);
            }
        }

        throw new IOException("HTTP head larger than " + MaxHead + " bytes");
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancel, MemoryStream? capture)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancel)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancel);
                if (capture is not null && capture.Length < MaxCapturedBody)
                {
                    capture.Write(buffer, 0, read);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The payload of a chunked body (<c>size CRLF data CRLF ... 0 CRLF CRLF</c>).</summary>
    private static string Dechunk(byte[] raw)
    {
        var payload = new MemoryStream();
        var at = 0;
        while (at < raw.Length)
        {
            var lineEnd = raw.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.ASCII.GetString(raw, at, lineEnd).Split(';')[0];
            var size = Convert.ToInt32(sizeText, 16);
            at += lineEnd + 2;
            if (size == 0 || at + size > raw.Length)
            {
                break;
            }

            payload.Write(raw, at, size);
            at += size + 2;
        }

        return Encoding.UTF8.GetString(payload.ToArray());
    }
}
