using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade;

/// <summary>Configures the room facade: its namespaces and its membership store. Returned by <c>AddRoomFacade()</c>.</summary>
public interface IRoomFacadeBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
