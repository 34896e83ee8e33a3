namespace ChatRooms.Hubs;

/// <summary>The payload of the "message" event: <c>{ room, from, text }</c>; <c>room</c> is null when not sent to a room.</summary>
public sealed record ChatMessage(string? Room, string From, string Text);
