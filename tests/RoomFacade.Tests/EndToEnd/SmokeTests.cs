using ChatRooms;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.EndToEnd;

public sealed class SmokeTests
{
    [Fact]
    public async Task Join_then_emit_to_room_reaches_members_and_listing_shows_them()
    {
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args));
        await using var a = await TestChatClient.ConnectAsync(server.BaseUrl);
        await using var b = await TestChatClient.ConnectAsync(server.BaseUrl);

        await a.InvokeAsync("Subscribe", "lobby");
        await b.InvokeAsync("EmitToRoom", "lobby", "hello");

        var received = await a.NextMessageAsync();
        Assert.Equal(new ReceivedMessage("lobby", b.Id, "hello"), received);
        var rooms = await b.InvokeAsync<Dictionary<string, string[]>>("GetRooms");
        Assert.Equal([a.Id], rooms["/lobby"]);
        Assert.Equal(new[] { a.Id, b.Id }.Order(), rooms[""].Order());
    }
}
