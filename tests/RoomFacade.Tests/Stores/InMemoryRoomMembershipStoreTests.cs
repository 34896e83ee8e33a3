using RoomFacade.Stores;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Stores;

public sealed class InMemoryRoomMembershipStoreTests : RoomMembershipStoreConformanceTests
{
    protected override Task<IRoomMembershipStore> CreateStoreAsync() => Task.FromResult<IRoomMembershipStore>(new InMemoryRoomMembershipStore());

    [Fact]
    public async Task Removal_reports_the_attributes_the_connection_had()
    {
        await Store.AddConnectionAsync("", "a").DefaultTimeout();
        await Store.SetConnectionAttributeAsync("a", "data", "\"bob\"").DefaultTimeout();

        var removal = await Store.RemoveConnectionAsync("a").DefaultTimeout();

        Assert.Equal("\"bob\"", removal!.Attributes["data"]);
        Assert.Empty(await Store.GetConnectionAttributesAsync("a").DefaultTimeout());
    }
}
