namespace RoomFacade.Redis.Backplane;

/// <summary>One hub's backplane, as the router reaches it for messages from other servers.</summary>
internal interface IBackplaneHub
{
    /// <summary>Delivers a hub message to this server's connections; must not wait for slow ones.</summary>
    void Deliver(HubMessageBody message);

    /// <summary>A client result for an invocation this server started.</summary>
    void CompleteRemoteResult(ClientResultBody result);

    /// <summary>Another server adds or removes one of this server's connections to or from a group; false when not held here.</summary>
    Task<bool> ChangeGroupAsync(string connectionId, string group, bool add, CancellationToken cancellationToken);
}
