using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.SocketIO.Protocol;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// The SignalR hub protocol <c>"socketio"</c> spoken by the virtual connections of Socket.IO clients. Events become
/// invocations of the hub method of the same name (arguments bound by position: missing ones get their default, extra
/// ones are dropped; a single <see cref="SocketIOArguments"/> parameter receives them all); SignalR sends, completions and
/// client-result invocations become <see cref="HubFrame"/>s that the pump turns into Socket.IO packets. Payloads use
/// the JSON options of SignalR's JSON protocol (<see cref="JsonHubProtocolOptions"/>), plus <c>byte[]</c> attachments.
/// </summary>
internal sealed partial class SocketIOHubProtocol : IHubProtocol
{
    public const string ProtocolName = "socketio";

    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;

    public SocketIOHubProtocol(IOptions<JsonHubProtocolOptions> jsonOptions, ILogger<SocketIOHubProtocol> logger)
    {
        _json = new JsonSerializerOptions(jsonOptions.Value.PayloadSerializerOptions);
        _json.Converters.Insert(0, new AttachmentConverter());
        _logger = logger;
    }

    public string Name => ProtocolName;

    public int Version => 1;

    public TransferFormat TransferFormat => TransferFormat.Binary;

    public bool IsVersionSupported(int version) => version == Version;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        message = null;
        if (!HubFrame.TryRead(ref input, out var frame))
        {
            return false;
        }

        using var resolve = AttachmentConverter.Resolve(frame.Attachments);
        using var doc = JsonDocument.Parse(frame.Json);
        var array = doc.RootElement;
        message = frame.Kind == HubFrameKind.Completion ? ParseCompletion(frame.Id, array, binder) : ParseEvent(frame.Id, array, frame.Attachments, binder);
        return true;
    }

    private HubMessage ParseEvent(string ackId, JsonElement array, IReadOnlyList<byte[]> attachments, IInvocationBinder binder)
    {
        var name = array[0].ValueKind == JsonValueKind.String ? array[0].GetString()! : array[0].GetRawText();
        var invocationId = ackId.Length == 0 ? null : ackId;
        IReadOnlyList<Type> types;
        try
        {
            types = binder.GetParameterTypes(name);
        }
        catch (Exception ex)
        {
            // An unknown event is ignored, as in Socket.IO: no completion even when an ack was requested.
            return new InvocationBindingFailureMessage(null, name, ExceptionDispatchInfo.Capture(ex));
        }

        try
        {
            var count = array.GetArrayLength() - 1;
            if (types.Count == 1 && types[0] == typeof(SocketIOArguments))
            {
                var all = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    all[i] = PlainValues.From(array[i + 1], attachments);
                }

                return new InvocationMessage(invocationId, name, [new SocketIOArguments(all)]);
            }

            var args = new object?[types.Count];
            for (var i = 0; i < types.Count; i++)
            {
                args[i] = i < count
                    ? array[i + 1].Deserialize(types[i], _json)
                    : types[i].IsValueType ? Activator.CreateInstance(types[i]) : null;
            }

            return new InvocationMessage(invocationId, name, args);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            return new InvocationBindingFailureMessage(invocationId, name, ExceptionDispatchInfo.Capture(ex));
        }
    }

    private CompletionMessage ParseCompletion(string invocationId, JsonElement array, IInvocationBinder binder)
    {
        try
        {
            var type = binder.GetReturnType(invocationId);
            var result = array.GetArrayLength() == 0 ? null : array[0].Deserialize(type, _json);
            return CompletionMessage.WithResult(invocationId, result);
        }
        catch (Exception ex)
        {
            return CompletionMessage.WithError(invocationId, $"Invalid ack from the Socket.IO client: {ex.Message}");
        }
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output)
    {
        var attachments = new List<byte[]>();
        switch (message)
        {
            case InvocationMessage invocation:
                if (SocketIOPacketParser.IsReservedEvent(invocation.Target))
                {
                    LogReservedEventDropped(_logger, invocation.Target);
                    return;
                }

                var payload = new object?[invocation.Arguments.Length + 1];
                payload[0] = invocation.Target;
                invocation.Arguments.CopyTo(payload, 1);
                var kind = invocation.InvocationId is null ? HubFrameKind.Event : HubFrameKind.Invocation;
                HubFrame.Write(output, kind, invocation.InvocationId ?? string.Empty, Serialize(payload, attachments), attachments);
                break;
            case CompletionMessage completion:
                object?[] ack = completion.Error is { } error ? [new Dictionary<string, string> { ["error"] = error }]
                    : completion.Result is SocketIOArguments several ? several.ToArray()
                    : completion.HasResult ? [completion.Result] : [];
                HubFrame.Write(output, HubFrameKind.Ack, completion.InvocationId ?? string.Empty, Serialize(ack, attachments), attachments);
                break;
            case CloseMessage close:
                var closeKind = close.Error is null ? HubFrameKind.Disconnect : HubFrameKind.Failure;
                HubFrame.Write(output, closeKind, string.Empty, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(close.Error ?? string.Empty)), null);
                break;
            default:
                // Pings (Engine.IO has its own heartbeat), streams and acks of stateful reconnect have no Socket.IO form.
                break;
        }
    }

    private byte[] Serialize(object?[] payload, List<byte[]> attachments)
    {
        using var collect = AttachmentConverter.Collect(attachments);
        return JsonSerializer.SerializeToUtf8Bytes(payload, _json);
    }

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteMessage(message, buffer);
        return buffer.WrittenMemory;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Event '{EventName}' is reserved by Socket.IO and was not sent to Socket.IO clients (they would disconnect).")]
    private static partial void LogReservedEventDropped(ILogger logger, string eventName);
}
