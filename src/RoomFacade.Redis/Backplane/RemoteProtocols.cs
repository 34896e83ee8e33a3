using Microsoft.AspNetCore.SignalR.Protocol;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// The hub protocols one hub serializes its messages to other servers for: only those the namespace's connections use
/// on some server (Redis lists them; the route script reports any the sender missed, which it then learns), not every
/// registered one. A protocol stays learned (the list in Redis only grows).
/// </summary>
internal sealed class RemoteProtocols(IHubProtocol[] supported)
{
    private readonly Lock _sync = new();

    // Until a protocol in use is known, every supported one is serialized: a message never goes out with no form a
    // receiver can write (Redis's list is checked against what was considered, which starts empty).
    private volatile Snapshot _current = new(supported, BackplaneScripts.ProtocolList([]), []);

    /// <summary>What the next message is serialized for.</summary>
    public Snapshot Current => _current;

    /// <summary>Adds protocols in use (a name this hub does not support is remembered, so it is not reported again).</summary>
    public Snapshot Learn(IEnumerable<string> names)
    {
        lock (_sync)
        {
            var considered = _current.Considered.Union(names, StringComparer.Ordinal).ToArray();
            var inUse = supported.Where(p => considered.Contains(p.Name, StringComparer.Ordinal)).ToArray();
            var serialized = inUse.Length > 0 ? inUse : supported;
            _current = new Snapshot(serialized, BackplaneScripts.ProtocolList(considered), considered);
            return _current;
        }
    }

    /// <summary>One state: the protocols serialized for, and the list the route script checks against.</summary>
    /// <param name="Serialized">The supported protocols in use (every supported one while none in use is known).</param>
    /// <param name="List">Every protocol name considered, in the script's form.</param>
    /// <param name="Considered">Every protocol name considered.</param>
    internal sealed record Snapshot(IHubProtocol[] Serialized, string List, string[] Considered);
}
