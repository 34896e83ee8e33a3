using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoomFacade.SocketIO.Engine;
using RoomFacade.SocketIO.Protocol;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// The Socket.IO v5 layer of one Engine.IO connection: decodes packets (reassembling binary attachments), joins
/// namespaces (each a <see cref="NamespaceConnection"/>), enforces <c>connectTimeout</c> and closes the connection on
/// invalid input.
/// </summary>
internal sealed partial class SocketIOConnection : IEngineMessageHandler
{
    private static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly ConcurrentDictionary<string, NamespaceConnection> _namespaces = new(StringComparer.Ordinal);
    private readonly EngineIOSession _engine;
    private readonly HttpContext _handshake;
    private readonly NamespaceResolver _resolver;
    private readonly ILogger _logger;
    private readonly List<byte[]> _attachments = [];
    private readonly Lock _receiveLock = new();
    private SocketIOPacket? _pending;
    private int _connectedOnce;

    public SocketIOConnection(EngineIOSession engine, HttpContext handshake, NamespaceResolver resolver, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _handshake = handshake;
        _resolver = resolver;
        _logger = logger;
        Time = time;
        _ = EnforceConnectTimeoutAsync(time);
    }

    public SocketIOOptions Options => _engine.Options;

    public TimeProvider Time { get; }

    public void OnTextMessage(string text)
    {
        // During an upgrade a POST and the new WebSocket may both deliver packets: decode one at a time.
        lock (_receiveLock)
        {
            OnTextMessageLocked(text);
        }
    }

    public void OnBinaryMessage(byte[] data)
    {
        lock (_receiveLock)
        {
            OnBinaryMessageLocked(data);
        }
    }

    private void OnTextMessageLocked(string text)
    {
        if (_pending is not null)
        {
            Fail("text packet while reassembling binary attachments");
            return;
        }

        if (!SocketIOPacketParser.TryDecode(text, out var packet, out var error))
        {
            Fail(error!);
            return;
        }

        if (packet!.Attachments > 0)
        {
            _pending = packet;
            return;
        }

        Dispatch(packet, []);
    }

    private void OnBinaryMessageLocked(byte[] data)
    {
        if (_pending is not { } packet)
        {
            Fail("unexpected binary message");
            return;
        }

        _attachments.Add(data);
        if (_attachments.Count == packet.Attachments)
        {
            var attachments = _attachments.ToArray();
            _attachments.Clear();
            _pending = null;
            Dispatch(packet, attachments);
        }
    }

    public void OnClose(string reason)
    {
        var error = new ConnectionAbortedException($"Socket.IO transport closed: {reason}.");
        foreach (var connection in _namespaces.Values)
        {
            connection.Close(error);
        }

        _namespaces.Clear();
    }

    /// <summary>Sends one Socket.IO packet and its attachments, back to back.</summary>
    public void Send(string packet, IReadOnlyList<byte[]> attachments)
    {
        if (attachments.Count == 0)
        {
            _engine.Send(EngineFrame.FromText("4" + packet));
            return;
        }

        var frames = new EngineFrame[attachments.Count + 1];
        frames[0] = EngineFrame.FromText("4" + packet);
        for (var i = 0; i < attachments.Count; i++)
        {
            frames[i + 1] = EngineFrame.FromBinary(attachments[i]);
        }

        _engine.Send(frames);
    }

    /// <summary>
    /// Sends CONNECT_ERROR <c>{"message":…,"data":…}</c> (<c>data</c> left out when <see langword="null"/>). The envelope
    /// keys are the protocol's; only <c>data</c> is serialized with the hub protocol's payload options. Data that cannot
    /// be serialized is logged and left out, so the client still gets the refusal.
    /// </summary>
    public void SendConnectError(string @namespace, string message, object? data = null)
    {
        byte[] json;
        try
        {
            json = WriteConnectError(message, data, _resolver.PayloadJson);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogConnectErrorDataFailed(_logger, @namespace, data!.GetType(), ex);
            json = WriteConnectError(message, null, _resolver.PayloadJson);
        }

        Send(SocketIOPacketParser.Encode(SocketIOPacketType.ConnectError, @namespace, null, Encoding.UTF8.GetString(json)), []);
    }

    private static byte[] WriteConnectError(string message, object? data, JsonSerializerOptions payloadJson)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            if (data is not null)
            {
                writer.WritePropertyName("data");
                JsonSerializer.Serialize(writer, data, data.GetType(), payloadJson);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A namespace answered its CONNECT with <c>40</c>: from now on the connection timeout no longer applies.</summary>
    public void OnNamespaceConnected() => Volatile.Write(ref _connectedOnce, 1);

    public void FailTransport(string reason) => _engine.Close(reason, notifyClient: true);

    public void RejectOversizedEvent(string @namespace, long size, long limit)
    {
        LogOversizedEvent(_logger, _engine.Id, @namespace, size, limit);
        _engine.Close("event over MaximumReceiveMessageSize", notifyClient: true);
    }

    /// <summary>A namespace connection ended; when the server ended it, the client is told (DISCONNECT, "io server disconnect").</summary>
    public void OnNamespaceEnded(NamespaceConnection connection, bool serverDisconnect)
    {
        if (_namespaces.TryGetValue(connection.Namespace, out var current) && ReferenceEquals(current, connection))
        {
            _namespaces.TryRemove(connection.Namespace, out _);
            if (serverDisconnect && !_engine.IsClosed)
            {
                Send(SocketIOPacketParser.Encode(SocketIOPacketType.Disconnect, connection.Namespace, null, string.Empty), []);
            }
        }
    }

    private void Dispatch(SocketIOPacket packet, IReadOnlyList<byte[]> attachments)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                _ = ConnectAsync(packet);
                break;
            case SocketIOPacketType.Disconnect:
                if (_namespaces.TryRemove(packet.Namespace, out var leaving))
                {
                    leaving.Close(null);
                }

                break;
            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                if (_namespaces.TryGetValue(packet.Namespace, out var target))
                {
                    target.OnEvent(packet, attachments);
                }

                break;
            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                if (_namespaces.TryGetValue(packet.Namespace, out var acked))
                {
                    acked.OnAck(packet, attachments);
                }

                break;
            default:
                Fail("CONNECT_ERROR packet from a client");
                break;
        }
    }

    private async Task ConnectAsync(SocketIOPacket packet)
    {
        var ns = packet.Namespace;
        var hubType = _resolver.FindHub(ns);
        if (hubType is null)
        {
            SendConnectError(ns, "Invalid namespace");
            return;
        }

        try
        {
            if (!await _resolver.AuthorizeAsync(hubType, _handshake.User ?? new ClaimsPrincipal()).ConfigureAwait(false))
            {
                SendConnectError(ns, "Not authorized");
                return;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException)
        {
            LogAuthorizationFailed(_logger, ns, ex);
            SendConnectError(ns, "Not authorized");
            return;
        }

        var connection = new NamespaceConnection(this, ns, EngineIOServer.NewId(), _resolver.GetMaximumReceiveMessageSize(hubType));
        if (_engine.IsClosed || !_namespaces.TryAdd(ns, connection))
        {
            return;
        }

        connection.Start(_resolver.GetPipeline(hubType), _handshake, packet.Data ?? EmptyAuth, _engine.Id);
    }

    private async Task EnforceConnectTimeoutAsync(TimeProvider time)
    {
        try
        {
            await Task.Delay(_engine.Options.ConnectTimeout, time, _engine.Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Volatile.Read(ref _connectedOnce) == 0)
        {
            _engine.Close("connect timeout", notifyClient: true);
        }
    }

    private void Fail(string reason)
    {
        LogInvalidPacket(_logger, _engine.Id, reason);
        _engine.Close("parse error: " + reason, notifyClient: true);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Socket.IO connection {Sid} sent an invalid packet ({Reason}); closing it.")]
    private static partial void LogInvalidPacket(ILogger logger, string sid, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Socket.IO connection {Sid} sent an event of {Size} bytes to {Namespace}, over the hub's MaximumReceiveMessageSize of {Limit} bytes; closing it (raise HubOptions<THub>.MaximumReceiveMessageSize to accept it).")]
    private static partial void LogOversizedEvent(ILogger logger, string sid, string @namespace, long size, long limit);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "The data of a CONNECT_ERROR to {Namespace} ({DataType}) could not be serialized; the refusal is sent without it.")]
    private static partial void LogConnectErrorDataFailed(ILogger logger, string @namespace, Type dataType, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Authorizing a Socket.IO CONNECT to {Namespace} failed.")]
    private static partial void LogAuthorizationFailed(ILogger logger, string @namespace, Exception exception);
}
