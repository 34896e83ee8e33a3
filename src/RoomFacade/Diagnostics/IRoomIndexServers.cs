namespace RoomFacade.Diagnostics;

/// <summary>Implemented by stores that know the servers sharing the index (the Redis store).</summary>
internal interface IRoomIndexServers
{
    Task<IReadOnlyList<RoomIndexServer>> GetServersAsync(CancellationToken cancellationToken);
}

/// <summary>A server of a shared index and its last heartbeat.</summary>
internal sealed record RoomIndexServer(string Id, DateTimeOffset LastHeartbeat, bool IsSelf);
