using System.Net;
using System.Text.Json;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.SocketIO.Tests.Wire;

/// <summary>Socket.IO v5 rules checked on the wire over HTTP long-polling.</summary>
public sealed class SocketIOWireTests
{
    [Fact]
    public async Task CONNECT_is_answered_with_only_the_sid_before_the_hub_OnConnectedAsync_sends()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40{\"token\":\"abc\"}")).Dispose();
        var packets = new List<string>();
        await wire.PollUntilAsync(sid, p =>
        {
            packets.Add(p);
            return p.StartsWith("42[\"welcome\"", StringComparison.Ordinal);
        });

        var connect = packets.First(p => p.StartsWith("40", StringComparison.Ordinal));
        Assert.True(packets.IndexOf(connect) < packets.FindIndex(p => p.StartsWith("42", StringComparison.Ordinal)));
        var reply = JsonDocument.Parse(connect[2..]).RootElement;
        Assert.Equal(["sid"], reply.EnumerateObject().Select(p => p.Name));
        Assert.NotEqual(sid, reply.GetProperty("sid").GetString());
        var welcome = JsonDocument.Parse(packets[^1][2..]).RootElement[1];
        Assert.Equal("abc", welcome.GetProperty("auth").GetProperty("token").GetString());
    }

    [Fact]
    public async Task An_unknown_namespace_gets_the_exact_reference_CONNECT_ERROR()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40/random,")).Dispose();
        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await wire.PollUntilAsync(sid, p => p.StartsWith("44", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_refusal_in_OnConnectedAsync_is_a_CONNECT_ERROR_with_message_and_data_and_no_CONNECT_reply()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        (await wire.PostAsync(sid, "40/refusing,{\"token\":\"x\"}")).Dispose();
        var packets = new List<string>();
        var refusal = await wire.PollUntilAsync(sid, p =>
        {
            packets.Add(p);
            return p.StartsWith("44", StringComparison.Ordinal);
        });

        Assert.Equal("44/refusing,{\"message\":\"not authorized\",\"data\":{\"reason\":\"bad token\",\"token\":\"x\"}}", refusal);
        Assert.DoesNotContain(packets, p => p.StartsWith("40", StringComparison.Ordinal));

        // The session lives on: the default namespace still connects.
        (await wire.PostAsync(sid, "40")).Dispose();
        await wire.PollUntilAsync(sid, p => p.StartsWith("40{", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("42abc[\"Add\"]")]
    [InlineData("42[\"disconnect\"]")]
    [InlineData("42{\"not\":\"an array\"}")]
    [InlineData("9")]
    [InlineData("4511-[\"Reverse\"]")]
    public async Task An_invalid_packet_closes_the_connection(string packet)
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        (await wire.PostAsync(sid, "40")).Dispose();
        await wire.PollUntilAsync(sid, p => p.StartsWith("42[\"welcome\"", StringComparison.Ordinal));

        (await wire.PostAsync(sid, "4" + packet)).Dispose();
        Assert.Equal("1", await wire.PollUntilAsync(sid, p => p == "1"));
        using var after = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    [Fact]
    public async Task Without_a_CONNECT_within_connectTimeout_the_connection_closes()
    {
        await using var server = await SocketIOTestHost.StartAsync(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(300));
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();

        Assert.Equal("1", await wire.PollAsync(sid));
        using var after = await wire.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    [Fact]
    public async Task A_reserved_event_name_sent_by_the_hub_never_reaches_the_client()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        (await wire.PostAsync(sid, "40")).Dispose();
        await wire.PollUntilAsync(sid, p => p.StartsWith("42[\"welcome\"", StringComparison.Ordinal));

        (await wire.PostAsync(sid, "42[\"SendReservedThen\",\"x\"]")).Dispose();
        var seen = new List<string>();
        await wire.PollUntilAsync(sid, p =>
        {
            seen.Add(p);
            return p.StartsWith("42[\"after\"", StringComparison.Ordinal);
        });

        Assert.DoesNotContain(seen, p => p.Contains("\"disconnect\"", StringComparison.Ordinal));
        Assert.Contains("42[\"after\",\"x\"]", seen);
    }

    [Fact]
    public async Task Binary_event_with_ack_over_polling_gets_a_BINARY_ACK_with_its_attachment()
    {
        await using var server = await SocketIOTestHost.StartAsync();
        using var wire = new EngineWire(server.BaseUrl);
        var (sid, _) = await wire.HandshakeAsync();
        (await wire.PostAsync(sid, "40")).Dispose();
        await wire.PollUntilAsync(sid, p => p.StartsWith("42[\"welcome\"", StringComparison.Ordinal));

        (await wire.PostAsync(sid, "451-7[\"Reverse\",{\"_placeholder\":true,\"num\":0}]\u001eb" + Convert.ToBase64String([1, 2, 3]))).Dispose();
        var payload = new List<string>();
        await wire.PollUntilAsync(sid, p =>
        {
            payload.Add(p);
            return p.StartsWith('b');
        });

        Assert.Contains("461-7[{\"_placeholder\":true,\"num\":0}]", payload);
        Assert.Equal([3, 2, 1], Convert.FromBase64String(payload[^1][1..]));
    }
}
