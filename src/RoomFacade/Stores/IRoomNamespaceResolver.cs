namespace RoomFacade.Stores;

/// <summary>
/// Which namespace a hub type is registered as: registered in dependency injection by <c>AddRoomFacade()</c>, so that a
/// store-side component (such as a backplane) can treat the hubs of registered namespaces and plain hubs differently.
/// </summary>
public interface IRoomNamespaceResolver
{
    /// <summary>The namespace the hub type is registered as, or <see langword="null"/> when it is a plain SignalR hub.</summary>
    /// <param name="hubType">The hub's type.</param>
    /// <returns>The normalized namespace name (<c>""</c> for the default namespace), or <see langword="null"/>.</returns>
    string? GetNamespace(Type hubType);
}
