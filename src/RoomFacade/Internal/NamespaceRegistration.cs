using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Internal;

/// <summary>A hub type registered as a namespace.</summary>
internal sealed class NamespaceRegistration(string name, Type hubType, Func<IServiceProvider, NamespaceBinding> bind)
{
    public string Name { get; } = name;

    public Type HubType { get; } = hubType;

    public Func<IServiceProvider, NamespaceBinding> Bind { get; } = bind;

    public static NamespaceRegistration For<THub>(string name)
        where THub : Hub
        => new(name, typeof(THub), sp =>
        {
            var context = sp.GetRequiredService<IHubContext<THub>>();
            return new NamespaceBinding(name, typeof(THub), context.Clients, context.Groups);
        });
}

/// <summary>A namespace resolved against the running application: SignalR's clients and groups of its hub.</summary>
internal sealed class NamespaceBinding(string name, Type hubType, IHubClients clients, IGroupManager groups)
{
    public string Name { get; } = name;

    public Type HubType { get; } = hubType;

    public IHubClients Clients { get; } = clients;

    public IGroupManager Groups { get; } = groups;
}
