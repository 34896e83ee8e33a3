using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Internal;

/// <summary>
/// The registered <see cref="IRoomEventHandler"/>s, resolved on first use: handlers may depend on
/// <see cref="IRoomManager"/>, which raises their events.
/// </summary>
internal sealed class RoomEventHandlers
{
    public static readonly RoomEventHandlers None = new([]);

    private readonly Lazy<IRoomEventHandler[]> _all;

    public RoomEventHandlers(IServiceProvider services)
        => _all = new Lazy<IRoomEventHandler[]>(() => [.. services.GetServices<IRoomEventHandler>()]);

    public RoomEventHandlers(IRoomEventHandler[] handlers) => _all = new Lazy<IRoomEventHandler[]>(handlers);

    public IRoomEventHandler[] All => _all.Value;
}
