using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>The value of the global connection hash: server id and namespace in one string, unambiguous for any text.</summary>
public sealed class ConnectionPointerTests
{
    [Theory]
    [InlineData("server-1", "")]
    [InlineData("server-1", "/news")]
    [InlineData("a:b", "12:x")]
    [InlineData("3:abc", ":")]
    [InlineData("s", "ünïcødé\n\u0000{}")]
    public void Round_trips(string serverId, string @namespace)
    {
        var pointer = new ConnectionPointer(serverId, @namespace);

        Assert.Equal(pointer, ConnectionPointer.Decode(pointer.Encode()));
    }

    [Theory]
    [InlineData("/news")]
    [InlineData("x:")]
    [InlineData("99:short")]
    [InlineData("-1:abc")]
    [InlineData(":abc")]
    public void Rejects_values_it_did_not_write(string value)
        => Assert.Null(ConnectionPointer.Decode(value));

    [Fact]
    public void A_missing_entry_is_no_pointer()
        => Assert.Null(ConnectionPointer.Decode(RedisValue.Null));
}
