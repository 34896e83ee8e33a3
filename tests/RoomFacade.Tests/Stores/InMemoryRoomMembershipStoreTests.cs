using RoomFacade.Stores;
using RoomFacade.Testing;

namespace RoomFacade.Tests.Stores;

public sealed class InMemoryRoomMembershipStoreTests : RoomMembershipStoreConformanceTests
{
    protected override Task<IRoomMembershipStore> CreateStoreAsync() => Task.FromResult<IRoomMembershipStore>(new InMemoryRoomMembershipStore());
}
