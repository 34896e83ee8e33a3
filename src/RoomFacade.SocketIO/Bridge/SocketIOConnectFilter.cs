using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// Tells a Socket.IO namespace connection how its hub's <c>OnConnectedAsync</c> ended, so that its CONNECT is answered
/// after it: <c>40</c> on success, CONNECT_ERROR for a <see cref="HubException"/> (with the data of a
/// <see cref="SocketIOConnectRefusedException"/>). SignalR connections pass through untouched.
/// </summary>
internal sealed class SocketIOConnectFilter : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.Features.Get<ISocketIOFeature>() is not SocketIOFeature feature)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            feature.Failed(ex);
            throw;
        }

        feature.Connected();
    }
}
