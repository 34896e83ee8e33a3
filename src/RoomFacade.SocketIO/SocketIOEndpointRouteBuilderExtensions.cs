using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.SocketIO.Bridge;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Engine.IO v4 / Socket.IO v5 endpoint at <paramref name="pattern"/> (clients add a trailing slash:
    /// <c>/socket.io/?EIO=4&amp;transport=polling</c>). Requires <c>AddRoomFacade().AddSocketIO()</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The path, <c>"/socket.io"</c> by default (the client's <c>path</c> option).</param>
    /// <returns>A builder to add conventions such as <c>RequireCors</c> or <c>RequireHost</c>.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSocketIO()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string pattern = "/socket.io")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var endpoint = endpoints.ServiceProvider.GetService<SocketIOEndpoint>()
            ?? throw new InvalidOperationException("MapSocketIO needs the Socket.IO services: call services.AddRoomFacade()...AddSocketIO() first.");
        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(endpoint.HandleAsync);
        return endpoints.Map(pattern.TrimEnd('/'), pipeline.Build()).WithDisplayName("Socket.IO " + pattern);
    }
}
