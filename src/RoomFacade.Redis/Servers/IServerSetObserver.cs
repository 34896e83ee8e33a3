namespace RoomFacade.Redis.Servers;

/// <summary>
/// Told after each sweep which servers are registered, so per-server state kept for other servers (the backplane's
/// receive queues and sequence checks) does not outlive them.
/// </summary>
internal interface IServerSetObserver
{
    /// <summary>The registered servers after a sweep; state of any other server silent for <paramref name="silentFor"/> may go.</summary>
    /// <param name="registered">The ids in the server registry.</param>
    /// <param name="silentFor">How long a server missing from the registry must have been silent before its state goes.</param>
    void OnRegisteredServers(IReadOnlyCollection<string> registered, TimeSpan silentFor);
}
