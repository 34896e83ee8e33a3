using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>
/// A hub filter added in front of every other one (so it wraps the room facade's own lifetime filter): it counts
/// hub method invocations still running and disconnects whose whole server-side handling has finished. Tests wait
/// on these counts instead of sleeping.
/// </summary>
public sealed class HubActivityTracker : IHubFilter
{
    private int _inFlight;
    private int _disconnected;
    private int _failed;
    private int _succeeded;

    /// <summary>Hub method invocations started and not yet finished.</summary>
    public int InFlightInvocations => Volatile.Read(ref _inFlight);

    /// <summary>Connections whose disconnect handling (the room facade's clean-up included) has completed.</summary>
    public int Disconnected => Volatile.Read(ref _disconnected);

    /// <summary>Hub method invocations that returned normally.</summary>
    public int SucceededInvocations => Volatile.Read(ref _succeeded);

    /// <summary>Hub method invocations that threw.</summary>
    public int FailedInvocations => Volatile.Read(ref _failed);

    /// <summary>Adds the tracker as the outermost hub filter; pass to <c>ChatRoomsApp.Create</c>.</summary>
    public void AddTo(WebApplicationBuilder builder)
        => builder.Services.Configure<HubOptions>(o => o.AddFilter(this));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var result = await next(invocationContext);
            Interlocked.Increment(ref _succeeded);
            return result;
        }
        catch
        {
            Interlocked.Increment(ref _failed);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            Interlocked.Increment(ref _disconnected);
        }
    }
}
