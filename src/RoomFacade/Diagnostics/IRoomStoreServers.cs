namespace RoomFacade.Diagnostics;

/// <summary>
/// A capability of a shared store (such as <c>RoomFacade.Redis</c>): listing the servers that share the index. The
/// diagnostics endpoint shows them. Implement it on the <see cref="Stores.IRoomMembershipStore"/> itself.
/// </summary>
public interface IRoomStoreServers
{
    /// <summary>The servers registered in the index, with their last heartbeat.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<RoomStoreServer>> GetServersAsync(CancellationToken cancellationToken);
}
