using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace ChatRooms.Hubs;

/// <summary>
/// Sends SignalR Redis backplane failures to the caller as a <see cref="HubException"/>, whose message SignalR passes
/// through, instead of SignalR's generic error. (RoomFacade's own errors — bad room name, unknown namespace or
/// connection, index outage — already reach the caller with their message: <c>RoomFacadeOptions.ClearErrors</c>.)
/// </summary>
public sealed class RedisErrorsHubFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (RedisException ex)
        {
            // SignalR's Redis backplane failed (the group change went nowhere): say so instead of a generic error.
            throw new HubException($"Redis is unreachable: {ex.Message}", ex);
        }
    }
}
