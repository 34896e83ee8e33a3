using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoomFacade;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;
using RoomFacade.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the room facade.</summary>
public static class RoomFacadeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRoomManager"/>, the connection lifetime hub filter (catch-all room on connect, clean-up on
    /// disconnect) and the in-memory membership index (replaced by other stores such as <c>RoomFacade.Redis</c>, in any order).
    /// Call <see cref="AddNamespace{THub}"/> / <see cref="AddDefaultNamespace{THub}"/> on the result for each hub.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Optional options set-up.</param>
    public static IRoomFacadeBuilder AddRoomFacade(this IServiceCollection services, Action<RoomFacadeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<RoomFacadeOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(RoomFacadeMarker)))
        {
            services.AddSingleton<RoomFacadeMarker>();
            optionsBuilder.ValidateOnStart();
            services.AddSingleton<IValidateOptions<RoomFacadeOptions>, RoomFacadeOptionsValidator>();
            services.TryAddSingleton<IRoomMembershipStore, InMemoryRoomMembershipStore>();
            services.TryAddSingleton<NamespaceRegistry>();
            services.TryAddSingleton<IRoomNamespaceResolver>(sp => sp.GetRequiredService<NamespaceRegistry>());
            services.AddMetrics();
            services.TryAddSingleton(sp => new RoomFacadeMetrics(
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                () => (sp.GetRequiredService<IRoomMembershipStore>() as IRoomIndexCounter)?.GetCounts()));
            services.TryAddSingleton<LocalConnections>();
            services.TryAddSingleton<ILocalConnectionControl>(sp => sp.GetRequiredService<LocalConnections>());
            services.TryAddSingleton(sp => new RoomEventHandlers(sp));
            services.TryAddSingleton<RoomManager>();
            services.TryAddSingleton<IRoomManager>(sp => sp.GetRequiredService<RoomManager>());
            services.TryAddSingleton<IRoomEvents>(sp => sp.GetRequiredService<RoomManager>());
            services.TryAddSingleton<ISweptConnectionSink>(sp => sp.GetRequiredService<RoomManager>());
            services.TryAddSingleton<RoomLifetimeHubFilter>();
            services.Configure<HubOptions>(o => o.AddFilter<RoomLifetimeHubFilter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, NamespaceRegistrationCheck>());
        }

        return new RoomFacadeBuilder(services);
    }

    /// <summary>Registers <typeparamref name="THub"/> as the namespace <paramref name="namespace"/> (<c>io.of(ns)</c>).</summary>
    /// <typeparam name="THub">The hub type (<see cref="Hub"/> or <see cref="Hub{T}"/>).</typeparam>
    /// <param name="builder">The facade builder.</param>
    /// <param name="namespace">The namespace name, such as <c>"/news"</c>; <c>""</c> is the default namespace.</param>
    public static IRoomFacadeBuilder AddNamespace<THub>(this IRoomFacadeBuilder builder, string @namespace)
        where THub : Hub
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = NamespaceNames.Normalize(@namespace);
        builder.Services.Configure<RoomFacadeOptions>(o => o.Namespaces.Add(NamespaceRegistration.For<THub>(name)));
        return builder;
    }

    /// <summary>Registers <typeparamref name="THub"/> as the default namespace (<c>io.sockets</c>, name <c>""</c>).</summary>
    /// <typeparam name="THub">The hub type.</typeparam>
    /// <param name="builder">The facade builder.</param>
    public static IRoomFacadeBuilder AddDefaultNamespace<THub>(this IRoomFacadeBuilder builder)
        where THub : Hub
        => builder.AddNamespace<THub>(string.Empty);

    /// <summary>Registers a join authorizer (consulted before joins made from hub methods).</summary>
    /// <typeparam name="TAuthorizer">The authorizer type, resolved from dependency injection as a singleton.</typeparam>
    /// <param name="builder">The facade builder.</param>
    public static IRoomFacadeBuilder AddJoinAuthorizer<TAuthorizer>(this IRoomFacadeBuilder builder)
        where TAuthorizer : class, IRoomJoinAuthorizer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IRoomJoinAuthorizer, TAuthorizer>();
        return builder;
    }

    /// <summary>
    /// Registers an asynchronous room event handler (a singleton), awaited by the operation that made the change; see
    /// <see cref="IRoomEventHandler"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler type, resolved from dependency injection as a singleton.</typeparam>
    /// <param name="builder">The facade builder.</param>
    public static IRoomFacadeBuilder AddRoomEventHandler<THandler>(this IRoomFacadeBuilder builder)
        where THandler : class, IRoomEventHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IRoomEventHandler, THandler>();
        return builder;
    }

    /// <summary>Registers a join authorization rule: return <see langword="true"/> to allow the join.</summary>
    /// <param name="builder">The facade builder.</param>
    /// <param name="authorize">The rule.</param>
    public static IRoomFacadeBuilder AddJoinAuthorizer(this IRoomFacadeBuilder builder, Func<RoomJoinContext, bool> authorize)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(authorize);
        builder.Services.AddSingleton<IRoomJoinAuthorizer>(new DelegateJoinAuthorizer(authorize));
        return builder;
    }

    private sealed class DelegateJoinAuthorizer(Func<RoomJoinContext, bool> authorize) : IRoomJoinAuthorizer
    {
        public ValueTask<bool> AuthorizeJoinAsync(RoomJoinContext context, CancellationToken cancellationToken) => ValueTask.FromResult(authorize(context));
    }

    private sealed class RoomFacadeBuilder(IServiceCollection services) : IRoomFacadeBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class RoomFacadeMarker;
}
