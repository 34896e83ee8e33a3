using Microsoft.AspNetCore.SignalR;
using RoomFacade;

namespace ChatRooms.Hubs;

/// <summary>
/// Sends the room facade's argument errors (bad room name, unknown namespace or connection) to the caller as a
/// <see cref="HubException"/>, whose message SignalR passes through; other errors stay hidden as usual.
/// </summary>
public sealed class ClearErrorsHubFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message, ex);
        }
        catch (RoomIndexException ex)
        {
            throw new HubException(ex.Message, ex);
        }
    }
}
