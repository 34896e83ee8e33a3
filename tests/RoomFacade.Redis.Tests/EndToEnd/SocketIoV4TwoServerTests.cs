using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

/// <summary>The Socket.IO v4 surface on two servers behind one Redis (backplane and Redis index; the concrete class names its fixture).</summary>
public abstract class SocketIoV4TwoServerTests(IRedisTarget redis, string backplane) : SocketIoV4SurfaceTests
{
    private ScaleOutCluster? _cluster;

    protected override async Task<(string UrlA, string UrlB, IRoomManager RoomsA, IRoomManager RoomsB)> StartServersAsync()
    {
        _cluster = await ScaleOutCluster.StartAsync(redis.ConnectionString, 2, ScaleOutCluster.Backplane(backplane));
        return (_cluster[0].BaseUrl, _cluster[1].BaseUrl, _cluster[0].Rooms, _cluster[1].Rooms);
    }

    protected override async Task StopServersAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
