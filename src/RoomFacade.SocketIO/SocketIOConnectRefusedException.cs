using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.SocketIO;

/// <summary>
/// Thrown from a hub's <c>OnConnectedAsync</c> to refuse a Socket.IO client's namespace CONNECT with data, as a Node
/// middleware does with <c>next(err)</c> after setting <c>err.data</c>: the client gets <c>connect_error</c> with
/// <c>err.message</c> = <see cref="Exception.Message"/> and <c>err.data</c> = <see cref="ErrorData"/> (serialized with
/// SignalR's JSON options) and does not reconnect by itself. Any other <see cref="HubException"/> thrown there refuses
/// the same way without <c>data</c>; other exceptions close the transport, so the client retries. A SignalR client gets
/// the message in its close error, as for any <see cref="HubException"/>.
/// </summary>
public sealed class SocketIOConnectRefusedException : HubException
{
    /// <summary>Creates the refusal.</summary>
    /// <param name="message">The client's <c>err.message</c>; shown to the client, so it must not hold secrets.</param>
    /// <param name="errorData">The client's <c>err.data</c>, or <see langword="null"/> for none.</param>
    public SocketIOConnectRefusedException(string message, object? errorData = null)
        : base(message)
    {
        ErrorData = errorData;
    }

    /// <summary>The value the client receives as <c>err.data</c> (<see langword="null"/>: the field is left out).</summary>
    public object? ErrorData { get; }
}
