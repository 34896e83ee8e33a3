using Microsoft.Extensions.Options;
using Xunit;

namespace RoomFacade.SocketIO.Tests;

/// <summary>Invalid <see cref="SocketIOOptions"/> stop the host at start-up with a message naming the property.</summary>
public sealed class SocketIOOptionsValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_000_001)]
    public async Task MaxBufferedPackets_out_of_range_stops_the_host_at_start_up(int value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SocketIOTestHost.StartAsync(o => o.MaxBufferedPackets = value));
        Assert.Contains("SocketIOOptions.MaxBufferedPackets must be between 1 and 10,000,000", error.Message, StringComparison.Ordinal);
    }
}
