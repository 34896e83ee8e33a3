using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade;

/// <summary>
/// Puts each connection of a registered hub into its namespace's catch-all room (and the SignalR group of its own id)
/// before the hub's <c>OnConnectedAsync</c> runs, and removes all its memberships after <c>OnDisconnectedAsync</c> —
/// for any hub, no base class required. Hubs that are not registered as namespaces pass through untouched.
/// </summary>
internal sealed partial class RoomLifetimeHubFilter(NamespaceRegistry registry, RoomManager manager, ILogger<RoomLifetimeHubFilter> logger, RoomFacadeMetrics? metrics = null) : IHubFilter
{
    private readonly IRoomMembershipStore _store = manager.Store;

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
        finally
        {
            LocalConnections.CurrentCaller = previous;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            // The hub's OnDisconnectedAsync still sees the rooms, as Socket.IO's 'disconnect' handler does.
            await next(context, exception).ConfigureAwait(false);
        }
        finally
        {
            if (registry.TryGetName(context.Hub.GetType()) is { } ns)
            {
                await RemoveAsync(ns, context.Context.ConnectionId).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveAsync(string @namespace, string connectionId)
    {
        metrics?.Disconnected(@namespace);
        try
        {
            var removal = await _store.RemoveConnectionAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
            if (removal is not null)
            {
                manager.OnConnectionRemoved(connectionId, removal);
            }
        }
        catch (Exception ex)
        {
            LogRemoveFailed(logger, connectionId, ex);
        }
        finally
        {
            manager.LocalConnections.Remove(connectionId);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Removing disconnected connection {ConnectionId} from the room index failed; the store's clean-up must remove it.")]
    private static partial void LogRemoveFailed(ILogger logger, string connectionId, Exception exception);
}
