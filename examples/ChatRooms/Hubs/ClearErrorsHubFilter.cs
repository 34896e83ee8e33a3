using Microsoft.AspNetCore.SignalR;
using RoomFacade;
using StackExchange.Redis;

namespace ChatRooms.Hubs;

/// <summary>
/// Sends the room facade's argument errors (bad room name, unknown namespace or connection) and Redis outages to the
/// caller as a <see cref="HubException"/>, whose message SignalR passes through; other errors stay hidden as usual.
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
        catch (RedisException ex)
        {
            // SignalR's Redis backplane failed (the group change went nowhere): say so instead of a generic error.
            throw new HubException($"Redis is unreachable: {ex.Message}", ex);
        }
    }
}
