namespace RoomFacade.Stores;

/// <summary>A connection's namespace and its membership of one room.</summary>
/// <param name="Namespace">The namespace, or <see langword="null"/> when the connection is not known.</param>
/// <param name="IsMember">Whether the connection is in the room.</param>
public readonly record struct RoomMembership(string? Namespace, bool IsMember);
