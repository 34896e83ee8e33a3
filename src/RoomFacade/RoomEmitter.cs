namespace RoomFacade;

/// <summary>
/// Something that can emit an event: a namespace (<c>io.sockets</c>, <c>io.of(ns)</c>), a broadcast operator
/// (<c>socket.broadcast.to(room)</c>, <c>io.sockets.in(room)</c>) or one socket. An emit is a SignalR send: the
/// event name is the client method name and the arguments are its arguments.
/// </summary>
public abstract class RoomEmitter
{
    private protected RoomEmitter()
    {
    }

    /// <summary>Emits <paramref name="eventName"/> with the given arguments (SignalR's <c>SendCoreAsync</c>).</summary>
    /// <param name="eventName">The event (client method) name.</param>
    /// <param name="args">The arguments, each passed to the client handler as one argument.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public abstract Task EmitCoreAsync(string eventName, object?[] args, CancellationToken cancellationToken = default);

    /// <summary>Emits an event with no data.</summary>
    /// <param name="eventName">The event (client method) name.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public Task EmitAsync(string eventName, CancellationToken cancellationToken = default)
        => EmitCoreAsync(eventName, [], cancellationToken);

    /// <summary>Emits an event with one argument, as <c>emit('event', data)</c>.</summary>
    /// <param name="eventName">The event (client method) name.</param>
    /// <param name="arg1">The data.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public Task EmitAsync(string eventName, object? arg1, CancellationToken cancellationToken = default)
        => EmitCoreAsync(eventName, [arg1], cancellationToken);

    /// <summary>Emits an event with two arguments.</summary>
    /// <param name="eventName">The event (client method) name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public Task EmitAsync(string eventName, object? arg1, object? arg2, CancellationToken cancellationToken = default)
        => EmitCoreAsync(eventName, [arg1, arg2], cancellationToken);

    /// <summary>Emits an event with three arguments.</summary>
    /// <param name="eventName">The event (client method) name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public Task EmitAsync(string eventName, object? arg1, object? arg2, object? arg3, CancellationToken cancellationToken = default)
        => EmitCoreAsync(eventName, [arg1, arg2, arg3], cancellationToken);
}
