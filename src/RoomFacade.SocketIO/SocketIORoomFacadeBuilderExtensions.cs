using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoomFacade;
using RoomFacade.SocketIO;
using RoomFacade.SocketIO.Bridge;
using RoomFacade.SocketIO.Engine;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Socket.IO endpoint of RoomFacade.</summary>
public static class SocketIORoomFacadeBuilderExtensions
{
    /// <summary>
    /// Lets Socket.IO v4 clients (Engine.IO v4 / Socket.IO v5) connect to the hubs registered as namespaces
    /// (<c>AddDefaultNamespace&lt;THub&gt;()</c> is the Socket.IO namespace <c>/</c>). Map the endpoint with
    /// <c>app.MapSocketIO("/socket.io")</c>. Adds the SignalR hub protocol <c>"socketio"</c> (also to
    /// <see cref="HubOptions.SupportedProtocols"/> when the application set that list).
    /// </summary>
    /// <param name="builder">The facade builder.</param>
    /// <param name="configure">Optional options set-up.</param>
    public static IRoomFacadeBuilder AddSocketIO(this IRoomFacadeBuilder builder, Action<SocketIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SocketIOOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIOOptions>, SocketIOOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EngineMetrics>();
        services.TryAddSingleton<EngineIOServer>();
        services.TryAddSingleton<NamespaceResolver>();
        services.TryAddSingleton<SocketIOEndpoint>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, SocketIOHubProtocol>());
        if (!services.Any(d => d.ServiceType == typeof(SocketIOConnectFilter)))
        {
            // The outermost hub filter (SignalR runs filters in the order they were added, and the first
            // IConfigureOptions runs first), so that a HubException from any application filter is a refusal too.
            services.AddSingleton<SocketIOConnectFilter>();
            services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<HubOptions>>(
                new ConfigureNamedOptions<HubOptions>(Microsoft.Extensions.Options.Options.DefaultName, o => o.AddFilter<SocketIOConnectFilter>())));
        }

        services.PostConfigure<HubOptions>(o =>
        {
            if (o.SupportedProtocols is { } protocols && !protocols.Contains(SocketIOHubProtocol.ProtocolName))
            {
                protocols.Add(SocketIOHubProtocol.ProtocolName);
            }
        });
        return builder;
    }
}
