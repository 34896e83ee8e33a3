using RoomFacade.Testing;
using RoomFacade.Testing.EndToEnd;
using V4Chat;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>The v4 chat of docs/porting.md on two servers behind one Redis (backplane and Redis index).</summary>
public sealed class V4ChatTwoServerTests(RedisServerFixture redis) : V4ChatTests, IClassFixture<RedisServerFixture>
{
    private readonly List<TestServer> _servers = [];

    protected override async Task<(string UrlA, string UrlB)> StartServersAsync()
    {
        var prefix = "v4chat" + Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < 2; i++)
        {
            _servers.Add(await TestServer.StartAsync(args => V4ChatApp.Create(args), ScaleOutCluster.ServerArgs(redis.Server, prefix)));
        }

        return (_servers[0].BaseUrl, _servers[1].BaseUrl);
    }

    protected override async Task StopServersAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
