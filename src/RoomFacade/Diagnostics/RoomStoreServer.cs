namespace RoomFacade.Diagnostics;

/// <summary>A server sharing the index and its last heartbeat.</summary>
/// <param name="Id">The server's id in the index.</param>
/// <param name="LastHeartbeat">Its last heartbeat (the index's clock).</param>
/// <param name="IsSelf">Whether it is this server.</param>
public sealed record RoomStoreServer(string Id, DateTimeOffset LastHeartbeat, bool IsSelf);
