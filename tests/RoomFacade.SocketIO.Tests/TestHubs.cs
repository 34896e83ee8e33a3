using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace RoomFacade.SocketIO.Tests;

/// <summary>The default namespace ("/") of the test host.</summary>
public sealed class MainHub(IRoomManager rooms) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var socketIO = Context.Features.Get<ISocketIOFeature>();
        await Clients.Caller.SendAsync("welcome", new
        {
            id = Context.ConnectionId,
            auth = socketIO?.Auth,
            ns = socketIO?.Namespace,
            query = Context.GetHttpContext()?.Request.Query["tag"].ToString(),
        });
    }

    public int Add(int a, int b) => a + b;

    public int Length(string text) => text.Length;

    public void Nothing()
    {
    }

    public void Fail() => throw new HubException("nope");

    public byte[] Reverse(byte[] data) => [.. data.Reverse()];

    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);

    public Task SayToRoom(string room, string text) => rooms.Socket(this).Broadcast.To(room).EmitAsync("said", text);

    public Task GroupSend(string room, string text) => Clients.Group(room).SendAsync("group", text);

    public Task SendReservedThen(string text) => Task.WhenAll(Clients.Caller.SendAsync("disconnect"), Clients.Caller.SendAsync("after", text));

    public Task SendBinary() => Clients.Caller.SendAsync("bytes", new { name = "b", data = new byte[] { 1, 2, 3 } }, new byte[] { 4 });
}

/// <summary>The namespace "/other".</summary>
public sealed class OtherHub : Hub
{
    public string Where() => "other";
}

/// <summary>The namespace "/secret": refused at CONNECT without an authenticated user.</summary>
[Authorize]
public sealed class SecretHub : Hub
{
    public string Hello() => "secret";
}

/// <summary>The namespace "/failing": its OnConnectedAsync throws (as RoomFacade does when its index is down).</summary>
public sealed class FailingHub : Hub
{
    public override Task OnConnectedAsync() => throw new InvalidOperationException("index unavailable");
}

/// <summary>The namespace "/refusing": refuses a CONNECT without the right token, with data, as a Node middleware's <c>next(err)</c>.</summary>
public sealed class RefusingHub : Hub
{
    public override Task OnConnectedAsync()
    {
        var auth = Context.Features.Get<ISocketIOFeature>()?.Auth;
        var token = auth is { ValueKind: System.Text.Json.JsonValueKind.Object } a && a.TryGetProperty("token", out var t) ? t.GetString() : null;
        if (token != "let-me-in")
        {
            throw new SocketIOConnectRefusedException("not authorized", new { reason = "bad token", token });
        }

        return Clients.Caller.SendAsync("welcome", "in");
    }

    public string Hello() => "refusing";
}

/// <summary>The namespace "/vip": joins the room "vip" on connect, which the test host's join authorizer guards with the CONNECT auth.</summary>
public sealed class VipHub(IRoomManager rooms) : Hub
{
    public override Task OnConnectedAsync() => rooms.Socket(this).JoinAsync("vip");
}
