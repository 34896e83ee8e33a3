using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using V4Chat;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>The v4 chat of docs/porting.md on one server with the in-memory index.</summary>
public sealed class V4ChatOneServerTests : V4ChatTests
{
    private TestServer? _server;

    protected override async Task<(string UrlA, string UrlB)> StartServersAsync()
    {
        _server = await TestServer.StartAsync(args => V4ChatApp.Create(args));
        return (_server.BaseUrl, _server.BaseUrl);
    }

    protected override async Task StopServersAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
