using ChatRooms;
using RoomFacade.Testing;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>The Socket.IO v4 surface on one server with the in-memory index.</summary>
public sealed class SocketIoV4OneServerTests : SocketIoV4SurfaceTests
{
    private TestServer? _server;

    protected override async Task<(string UrlA, string UrlB, IRoomManager RoomsA, IRoomManager RoomsB)> StartServersAsync()
    {
        _server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        return (_server.BaseUrl, _server.BaseUrl, _server.Rooms, _server.Rooms);
    }

    protected override async Task StopServersAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
