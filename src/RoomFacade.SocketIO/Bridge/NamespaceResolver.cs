using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// Finds the hub of a Socket.IO namespace among the namespaces registered with RoomFacade (<c>"/"</c> is the default
/// namespace), builds its SignalR connection pipeline once (<c>UseHub&lt;THub&gt;()</c>) and checks the hub class's
/// <c>[Authorize]</c> at CONNECT (SignalR checks it as endpoint metadata of <c>MapHub</c>, which Socket.IO bypasses).
/// </summary>
internal sealed class NamespaceResolver(IServiceProvider services, IRoomManager rooms)
{
    private static readonly MethodInfo UseHub = typeof(SignalRConnectionBuilderExtensions).GetMethod(nameof(SignalRConnectionBuilderExtensions.UseHub))!;

    private readonly ConcurrentDictionary<Type, ConnectionDelegate> _pipelines = new();
    private JsonSerializerOptions? _payloadJson;
    private readonly ConcurrentDictionary<Type, long?> _maxMessageSizes = new();

    /// <summary>SignalR's JSON payload options (<see cref="JsonHubProtocolOptions"/>), for data the bridge writes itself.</summary>
    public JsonSerializerOptions PayloadJson => _payloadJson ??= services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;

    /// <summary>The hub of a namespace, or <see langword="null"/> when the namespace is not registered.</summary>
    public Type? FindHub(string @namespace)
    {
        try
        {
            return rooms.Of(@namespace).HubType;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public ConnectionDelegate GetPipeline(Type hubType) => _pipelines.GetOrAdd(hubType, type =>
    {
        var builder = new ConnectionBuilder(services);
        UseHub.MakeGenericMethod(type).Invoke(null, [builder]);
        return builder.Build();
    });

    /// <summary>The hub's <c>HubOptions&lt;THub&gt;.MaximumReceiveMessageSize</c> (<see langword="null"/>: unlimited).</summary>
    public long? GetMaximumReceiveMessageSize(Type hubType) => _maxMessageSizes.GetOrAdd(hubType, type =>
    {
        var optionsType = typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(type));
        var options = (HubOptions)optionsType.GetProperty(nameof(IOptions<HubOptions>.Value))!.GetValue(services.GetRequiredService(optionsType))!;
        return options.MaximumReceiveMessageSize;
    });

    /// <summary>Evaluates the hub class's <c>[Authorize]</c> attributes; <see langword="true"/> when there are none.</summary>
    public async Task<bool> AuthorizeAsync(Type hubType, ClaimsPrincipal user)
    {
        var data = hubType.GetCustomAttributes<AuthorizeAttribute>(inherit: true).ToArray();
        if (data.Length == 0 || hubType.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null)
        {
            return true;
        }

        var policyProvider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(policyProvider, data).ConfigureAwait(false);
        if (policy is null)
        {
            return true;
        }

        var result = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy).ConfigureAwait(false);
        return result.Succeeded;
    }
}
