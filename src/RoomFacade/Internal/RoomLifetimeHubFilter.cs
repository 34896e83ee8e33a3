using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade;

/// <summary>
/// Puts each connection of a registered hub into its namespace's catch-all room before the hub's
/// <c>OnConnectedAsync</c> runs, and removes all its memberships after <c>OnDisconnectedAsync</c> — for any hub,
/// no base class required. Hubs that are not registered as namespaces pass through untouched.
/// </summary>
internal sealed partial class RoomLifetimeHubFilter(NamespaceRegistry registry, RoomManager manager, ILogger<RoomLifetimeHubFilter> logger, RoomFacadeMetrics? metrics = null) : IHubFilter
{
    private readonly IRoomMembershipStore store = manager.Store;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var ns = registry.TryGetName(context.Hub.GetType());
        if (ns is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var connectionId = context.Context.ConnectionId;
        await store.AddConnectionAsync(ns, connectionId, context.Context.ConnectionAborted).ConfigureAwait(false);
        metrics?.Connected(ns);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            // SignalR closes a connection whose OnConnectedAsync threw: it must not stay listed.
            await RemoveAsync(ns, connectionId).ConfigureAwait(false);
            throw;
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
            await store.RemoveConnectionAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRemoveFailed(logger, connectionId, ex);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Removing disconnected connection {ConnectionId} from the room index failed; the store's clean-up must remove it.")]
    private static partial void LogRemoveFailed(ILogger logger, string connectionId, Exception exception);
}
