using RoomFacade;

namespace V4Chat.Hubs;

/// <summary>
/// "user left" for users whose server crashed: their hub never runs <c>OnDisconnectedAsync</c>, but the server that
/// sweeps them out of the index raises <c>Left</c> with <see cref="RoomEventReason.Sweep"/> and their data.
/// </summary>
public sealed class SweptUserNotifier(IRoomManager rooms) : IRoomEventHandler
{
    public async ValueTask OnRoomEventAsync(RoomEventArgs e, CancellationToken cancellationToken)
    {
        if (e is { Kind: RoomEventKind.Left, Reason: RoomEventReason.Sweep })
        {
            if (e.Room == "users" && e.GetData<UserData>() is { } user)
            {
                var numUsers = await rooms.Sockets.CountAsync("users", cancellationToken);
                await rooms.Sockets.To("users").EmitAsync("user left", new { username = user.Username, numUsers }, cancellationToken);
            }
            else if (e.Room.StartsWith('#'))
            {
                await rooms.Sockets.To(e.Room).EmitAsync("channel left", new { channel = e.Room[1..], username = e.GetData<UserData>()?.Username }, cancellationToken);
            }
        }
    }
}
