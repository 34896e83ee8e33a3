using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade.Internal;

/// <summary>
/// Puts each connection of a registered hub into its namespace's catch-all room (and the SignalR group of its own id)
/// before the hub's <c>OnConnectedAsync</c> runs, and removes all its memberships on disconnect — after the hub's
/// <c>OnDisconnectedAsync</c> (Socket.IO 0.9 / v4 <c>disconnecting</c>) or before it (v4 <c>disconnect</c>), as
/// <see cref="RoomFacadeOptions.OnDisconnectedRuns"/> says; a hub implementing <see cref="IDisconnectingHub"/> also gets
/// the moment before. For any hub, no base class required. Hubs that are not registered as namespaces pass through
/// untouched. It also turns the errors RoomFacade throws in hub methods into <see cref="HubException"/>s
/// (<see cref="RoomFacadeOptions.ClearErrors"/>).
/// </summary>
internal sealed partial class RoomLifetimeHubFilter(NamespaceRegistry registry, RoomManager manager, IOptions<RoomFacadeOptions> options, ILogger<RoomLifetimeHubFilter> logger, RoomFacadeMetrics? metrics = null) : IHubFilter
{
    private readonly IRoomMembershipStore _store = manager.Store;
    private readonly bool _clearErrors = options.Value.ClearErrors;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var ns = registry.TryGetName(context.Hub.GetType());
        if (ns is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var caller = context.Context;
        var connectionId = caller.ConnectionId;
        if (manager.OwnIdRooms)
        {
            // Socket.IO v4: every connection is in the room named by its id (io.to(socket.id)).
            await registry.Get(ns).Groups.AddToGroupAsync(connectionId, connectionId, caller.ConnectionAborted).ConfigureAwait(false);
        }

        await _store.AddConnectionAsync(ns, connectionId, caller.ConnectionAborted).ConfigureAwait(false);
        manager.LocalConnections.Add(caller);
        metrics?.Connected(ns);
        try
        {
            if (caller.UserIdentifier is { } user)
            {
                await _store.SetConnectionAttributeAsync(connectionId, RoomSocket.UserAttribute, user, caller.ConnectionAborted).ConfigureAwait(false);
            }

            await next(context).ConfigureAwait(false);
        }
        catch
        {
            // SignalR closes a connection whose OnConnectedAsync threw: it must not stay listed.
            await RemoveAsync(ns, connectionId).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var previous = LocalConnections.CurrentCaller;
        LocalConnections.CurrentCaller = invocationContext.Context.ConnectionId;
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (_clearErrors && ClearErrors.IsClear(ex))
        {
            // SignalR hides exception messages from callers; RoomFacade's own errors name the problem, so show them.
            throw new HubException(ex.Message, ex);
        }
        finally
        {
            LocalConnections.CurrentCaller = previous;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (registry.TryGetName(context.Hub.GetType()) is not { } ns)
        {
            await next(context, exception).ConfigureAwait(false);
            return;
        }

        var connectionId = context.Context.ConnectionId;
        ExceptionDispatchInfo? disconnectingError = null;
        try
        {
            if (context.Hub is IDisconnectingHub disconnecting)
            {
                // Socket.IO v4 'disconnecting': the connection is still in every room.
                await disconnecting.OnDisconnectingAsync(exception).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            disconnectingError = ExceptionDispatchInfo.Capture(ex);
        }

        try
        {
            if (manager.OnDisconnectedRuns == HubDisconnectMoment.AfterLeavingRooms)
            {
                // Socket.IO v4 'disconnect': the hub's OnDisconnectedAsync runs once the connection has left every room.
                await RemoveFromIndexAsync(ns, connectionId).ConfigureAwait(false);
                await next(context, exception).ConfigureAwait(false);
            }
            else
            {
                // Socket.IO 0.9 'disconnect' (v4 'disconnecting'): the hub's OnDisconnectedAsync still sees the rooms.
                try
                {
                    await next(context, exception).ConfigureAwait(false);
                }
                finally
                {
                    await RemoveFromIndexAsync(ns, connectionId).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            manager.LocalConnections.Remove(connectionId);
        }

        disconnectingError?.Throw();
    }

    private async Task RemoveAsync(string @namespace, string connectionId)
    {
        try
        {
            await RemoveFromIndexAsync(@namespace, connectionId).ConfigureAwait(false);
        }
        finally
        {
            manager.LocalConnections.Remove(connectionId);
        }
    }

    /// <summary>Removes the connection from the index and raises its leave events; keeps its data readable on this server until it is gone.</summary>
    private async Task RemoveFromIndexAsync(string @namespace, string connectionId)
    {
        metrics?.Disconnected(@namespace);
        try
        {
            var removal = await _store.RemoveConnectionAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
            if (removal is not null)
            {
                manager.LocalConnections.SetDeparted(connectionId, removal.Attributes);
                await manager.Events.RaiseRemovalAsync(connectionId, removal, RoomEventReason.Disconnect, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogRemoveFailed(logger, connectionId, ex);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Removing disconnected connection {ConnectionId} from the room index failed; the store's clean-up must remove it.")]
    private static partial void LogRemoveFailed(ILogger logger, string connectionId, Exception exception);
}
