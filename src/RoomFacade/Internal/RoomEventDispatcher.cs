using Microsoft.Extensions.Logging;
using RoomFacade.Stores;

namespace RoomFacade.Internal;

/// <summary>Raises room events to the <see cref="IRoomEvents"/> subscribers, then awaits every <see cref="IRoomEventHandler"/>.</summary>
internal sealed partial class RoomEventDispatcher(ILogger logger, RoomEventHandlers handlers) : IRoomEvents
{
    public event EventHandler<RoomEventArgs>? RoomCreated;

    public event EventHandler<RoomEventArgs>? RoomDeleted;

    public event EventHandler<RoomEventArgs>? Joined;

    public event EventHandler<RoomEventArgs>? Left;

    /// <summary>Raises one event: synchronous subscribers first, then the async handlers, in registration order.</summary>
    public async ValueTask RaiseAsync(RoomEventArgs e, CancellationToken cancellationToken)
    {
        var subscribers = e.Kind switch
        {
            RoomEventKind.RoomCreated => RoomCreated,
            RoomEventKind.RoomDeleted => RoomDeleted,
            RoomEventKind.Joined => Joined,
            _ => Left,
        };
        if (subscribers is not null)
        {
            foreach (var single in subscribers.GetInvocationList().Cast<EventHandler<RoomEventArgs>>())
            {
                try
                {
                    single(this, e);
                }
                catch (Exception ex)
                {
                    LogHandlerFailed(logger, e.Kind, e.Room, ex);
                }
            }
        }

        foreach (var handler in handlers.All)
        {
            try
            {
                await handler.OnRoomEventAsync(e, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(logger, e.Kind, e.Room, ex);
            }
        }
    }

    /// <summary>
    /// Raises <c>Left</c> for every named room a removed connection was in, then <c>RoomDeleted</c> for every named room
    /// that became empty; the leave events carry the connection's user id and app data from the removal.
    /// </summary>
    public async ValueTask RaiseRemovalAsync(string connectionId, ConnectionRemoval removal, RoomEventReason reason, CancellationToken cancellationToken)
    {
        removal.Attributes.TryGetValue(RoomSocket.UserAttribute, out var user);
        removal.Attributes.TryGetValue(RoomSocket.DataAttribute, out var data);
        foreach (var room in removal.Rooms)
        {
            if (room.Length > 0)
            {
                await RaiseAsync(new RoomEventArgs(RoomEventKind.Left, reason, removal.Namespace, room, connectionId, user, data), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var room in removal.DeletedRooms)
        {
            if (room.Length > 0)
            {
                await RaiseAsync(new RoomEventArgs(RoomEventKind.RoomDeleted, reason, removal.Namespace, room, null), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "A room event handler failed ({Kind}, room '{Room}').")]
    private static partial void LogHandlerFailed(ILogger logger, RoomEventKind kind, string room, Exception exception);
}
