namespace RoomFacade.Stores;

/// <summary>Helpers for <see cref="MembershipChange"/>.</summary>
public static class MembershipChangeExtensions
{
    /// <summary>Whether the membership was added or removed (<see cref="MembershipChange.Changed"/>, <see cref="MembershipChange.RoomCreated"/> or <see cref="MembershipChange.RoomDeleted"/>).</summary>
    /// <param name="change">The outcome.</param>
    public static bool IsChange(this MembershipChange change) => change is MembershipChange.Changed or MembershipChange.RoomCreated or MembershipChange.RoomDeleted;
}
