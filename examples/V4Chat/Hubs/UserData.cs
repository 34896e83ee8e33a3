namespace V4Chat.Hubs;

/// <summary>What the chat keeps in <c>socket.data</c>: <c>{ username }</c>.</summary>
public sealed record UserData(string Username);
