using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>A join authorizer sees the joining connection's features (<see cref="RoomJoinContext.Features"/>).</summary>
public sealed class JoinAuthorizerContextTests
{
    [Fact]
    public async Task A_join_authorizer_reads_the_connection_request_through_its_features()
    {
        await using var server = await ChatTestHost.StartAsync(builder => builder.Services.AddSingleton<IRoomJoinAuthorizer>(new QueryPassAuthorizer()));
        await using var allowed = await TestChatClient.ConnectAsync(server.BaseUrl, "/chat?pass=yes");
        await using var refused = await TestChatClient.ConnectAsync(server.BaseUrl, "/chat?pass=no");

        await allowed.InvokeAsync("Subscribe", "vip");
        var error = await Assert.ThrowsAsync<HubException>(() => refused.InvokeAsync("Subscribe", "vip"));

        Assert.Contains("Joining room 'vip' was refused", error.Message, StringComparison.Ordinal);
        Assert.Equal([allowed.Id], await server.Rooms.GetMembersAsync("", "vip").DefaultTimeout());
    }

    /// <summary>Lets a connection into "vip" only when its request (the SignalR negotiate/connect URL) has <c>pass=yes</c>.</summary>
    private sealed class QueryPassAuthorizer : IRoomJoinAuthorizer
    {
        public ValueTask<bool> AuthorizeJoinAsync(RoomJoinContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(context.Room != "vip"
                || context.Features?.Get<IHttpContextFeature>()?.HttpContext?.Request.Query["pass"].ToString() == "yes");
    }
}
