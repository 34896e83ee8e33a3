using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade;
using RoomFacade.Diagnostics;
using RoomFacade.Stores;
using RoomFacade.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the read-only room diagnostics endpoints.</summary>
public static class RoomFacadeDiagnosticsEndpoints
{
    /// <summary>
    /// Maps read-only JSON endpoints describing the room index, protected by the authorization policy
    /// <paramref name="policyName"/> (there is no unprotected variant):
    /// <list type="bullet">
    /// <item><c>GET {pattern}</c>: namespaces with their connection counts and rooms (name, member count), and the servers
    /// sharing the index with their last heartbeat (Redis store; <c>null</c> for the in-memory store).</item>
    /// <item><c>GET {pattern}/room?namespace=/news&amp;room=sports</c>: the members of one room.</item>
    /// <item><c>GET {pattern}/connection/{id}</c>: the namespace and rooms of one connection (404 when unknown).</item>
    /// </list>
    /// The overview reads every room of every namespace: it is meant for dashboards and debugging, not for hot paths.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="pattern">The route prefix, such as <c>/roomfacade</c>.</param>
    /// <param name="policyName">The authorization policy every request must satisfy (register it with <c>AddAuthorization</c>).</param>
    public static RouteGroupBuilder MapRoomFacadeDiagnostics(this IEndpointRouteBuilder endpoints, string pattern, string policyName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);

        var group = endpoints.MapGroup(pattern).RequireAuthorization(policyName);
        group.MapGet("/", GetOverviewAsync);
        group.MapGet("/room", GetRoomAsync);
        group.MapGet("/connection/{id}", GetConnectionAsync);
        return group;
    }

    private static async Task<IResult> GetOverviewAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var manager = http.RequestServices.GetRequiredService<RoomManager>();
        var namespaces = new List<NamespaceView>();
        foreach (var ns in manager.Namespaces)
        {
            var rooms = await manager.Store.GetRoomsAsync(ns, cancellationToken).ConfigureAwait(false);
            var connections = rooms.TryGetValue(string.Empty, out var all) ? all.Count : 0;
            namespaces.Add(new NamespaceView(
                ns,
                connections,
                [.. rooms.Where(r => r.Key.Length > 0).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RoomView(r.Key, r.Value.Count))]));
        }

        IReadOnlyList<RoomStoreServer>? servers = null;
        if (http.RequestServices.GetRequiredService<IRoomMembershipStore>() is IRoomStoreServers known)
        {
            servers = await known.GetServersAsync(cancellationToken).ConfigureAwait(false);
        }

        return Results.Json(new OverviewView(namespaces, servers));
    }

    private static async Task<IResult> GetRoomAsync(HttpContext http, string? @namespace, string? room, CancellationToken cancellationToken)
    {
        var rooms = http.RequestServices.GetRequiredService<IRoomManager>();
        try
        {
            var ns = @namespace ?? string.Empty;
            var members = await rooms.GetMembersAsync(ns, room ?? string.Empty, cancellationToken).ConfigureAwait(false);
            return Results.Json(new RoomMembersView(ns, room ?? string.Empty, [.. members.Order(StringComparer.Ordinal)]));
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> GetConnectionAsync(HttpContext http, string id, CancellationToken cancellationToken)
    {
        var manager = http.RequestServices.GetRequiredService<RoomManager>();
        var ns = await manager.Store.GetNamespaceAsync(id, cancellationToken).ConfigureAwait(false);
        if (ns is null)
        {
            return Results.NotFound();
        }

        var rooms = await manager.Store.GetRoomsOfConnectionAsync(id, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConnectionView(id, ns, [.. rooms.Order(StringComparer.Ordinal)]));
    }

    private sealed record OverviewView(IReadOnlyList<NamespaceView> Namespaces, IReadOnlyList<RoomStoreServer>? Servers);

    private sealed record NamespaceView(string Name, int Connections, IReadOnlyList<RoomView> Rooms);

    private sealed record RoomView(string Name, int Members);

    private sealed record RoomMembersView(string Namespace, string Room, IReadOnlyList<string> Members);

    private sealed record ConnectionView(string Id, string Namespace, IReadOnlyList<string> Rooms);
}
