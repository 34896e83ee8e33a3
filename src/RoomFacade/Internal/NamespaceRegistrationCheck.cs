using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RoomFacade.Internal;

/// <summary>
/// Once the application has started, warns about each mapped hub that takes <see cref="IRoomManager"/> (or
/// <see cref="IRoomEvents"/>) in its constructor but is not registered as a namespace: its first
/// <c>rooms.Socket(this)</c> would fail, and its connections are in no room. One pass over the endpoints, at start-up.
/// </summary>
internal sealed partial class NamespaceRegistrationCheck(IServiceProvider services, NamespaceRegistry registry, ILogger<NamespaceRegistrationCheck> logger, IHostApplicationLifetime? lifetime = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Endpoints are complete once the application has started; without a host (a bare container) there are none.
        lifetime?.ApplicationStarted.Register(() => Check());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The mapped hubs that use the facade without being registered; each is logged.</summary>
    internal IReadOnlyList<Type> Check()
    {
        if (services.GetService<EndpointDataSource>() is not { } endpoints)
        {
            return [];
        }

        var unregistered = endpoints.Endpoints
            .Select(e => e.Metadata.GetMetadata<HubMetadata>()?.HubType)
            .OfType<Type>()
            .Distinct()
            .Where(hub => registry.TryGetName(hub) is null && UsesFacade(hub))
            .ToList();
        foreach (var hub in unregistered)
        {
            LogUnregisteredHub(logger, hub.FullName ?? hub.Name, hub.Name);
        }

        return unregistered;
    }

    private static bool UsesFacade(Type hub)
        => hub.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IRoomManager) || p.ParameterType == typeof(IRoomEvents)));

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Hub {HubType} is mapped and uses IRoomManager but is not registered as a namespace: its connections are in no room and rooms.Socket(this) will throw. Register it with AddRoomFacade().AddNamespace<{HubName}>(\"/name\") or AddDefaultNamespace<{HubName}>().")]
    private static partial void LogUnregisteredHub(ILogger logger, string hubType, string hubName);
}
