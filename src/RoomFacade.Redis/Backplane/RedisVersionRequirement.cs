using System.Net;
using StackExchange.Redis;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// RoomFacade's backplane needs Redis 7.0 or later (<c>SINTERCARD</c> in its route script; sharded pub/sub on a
/// cluster). An older server would fail every remote send later, one warning at a time: the backplane refuses to start
/// routing instead, naming the server and its version.
/// </summary>
internal static class RedisVersionRequirement
{
    public static readonly Version Minimum = new(7, 0);

    /// <summary>Throws when a connected Redis server is older than <see cref="Minimum"/>.</summary>
    public static void EnsureSupported(IConnectionMultiplexer multiplexer)
    {
        foreach (var server in multiplexer.GetServers())
        {
            if (server.IsConnected && Problem(server.Version, server.EndPoint) is { } problem)
            {
                throw new RoomStoreException(problem, null);
            }
        }
    }

    /// <summary>The error for a server of this version, or null when it is recent enough.</summary>
    public static string? Problem(Version version, EndPoint endPoint)
        => version < Minimum
            ? $"RoomFacade's Redis backplane (AddRedisBackplane) needs Redis {Minimum} or later, but the Redis server at {endPoint} is {version}. Upgrade Redis, or use SignalR's AddStackExchangeRedis backplane with the RoomFacade index instead."
            : null;
}
