using RoomFacade.Internal;

namespace RoomFacade;

/// <summary>
/// The Socket.IO 0.9 compatibility views of <c>io.sockets.manager</c>: <see cref="GetRoomsAsync"/> is
/// <c>manager.rooms</c> and <see cref="GetRoomClientsAsync"/> is <c>manager.roomClients[socket.id]</c>.
/// </summary>
/// <remarks>
/// Keys use the 0.9 format: the namespace name followed by <c>/room</c>. The default namespace's catch-all room is
/// <c>""</c>, its rooms are <c>"/room"</c>; namespace <c>/news</c> has the catch-all <c>"/news"</c> and rooms
/// <c>"/news/room"</c>. As in 0.9 the format is ambiguous (room <c>"news"</c> of the default namespace and the catch-all
/// of namespace <c>/news</c> are both <c>"/news"</c>); such keys list the members of both.
/// </remarks>
public sealed class RoomManagerView
{
    private readonly RoomManager _manager;

    internal RoomManagerView(RoomManager manager) => _manager = manager;

    /// <summary>
    /// Every non-empty room of every registered namespace, keyed in the 0.9 format, each with its members' ids
    /// (<c>io.sockets.manager.rooms</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(CancellationToken cancellationToken = default)
    {
        var merged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var ns in _manager.Namespaces)
        {
            var rooms = await _manager.Store.GetRoomsAsync(ns, cancellationToken).ConfigureAwait(false);
            foreach (var (room, members) in rooms)
            {
                var key = Key(ns, room);
                if (!merged.TryGetValue(key, out var set))
                {
                    merged[key] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(members);
            }
        }

        return merged.ToDictionary(p => p.Key, p => (IReadOnlyCollection<string>)[.. p.Value], StringComparer.Ordinal);
    }

    /// <summary>
    /// The rooms of one connection (<c>io.sockets.manager.roomClients[socket.id]</c>): each 0.9 key mapped to
    /// <see langword="true"/>, present both with and without its leading <c>/</c>, the catch-all included.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="UnknownConnectionException">No such connection is connected.</exception>
    public async Task<IReadOnlyDictionary<string, bool>> GetRoomClientsAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        NamespaceNames.ValidateConnectionId(connectionId);
        var ns = await _manager.GetNamespaceOrThrowAsync(connectionId, cancellationToken).ConfigureAwait(false);
        var rooms = await _manager.Store.GetRoomsOfConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (rooms.Count == 0)
        {
            // A connected connection is at least in the catch-all room: it disconnected during the query.
            throw new UnknownConnectionException(connectionId);
        }

        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var room in rooms)
        {
            var key = Key(ns, room);
            result[key] = true;
            if (key.Length > 0 && key[0] == '/')
            {
                result[key[1..]] = true;
            }
        }

        return result;
    }

    /// <summary>The 0.9 key of a room: namespace name, then <c>/room</c> unless it is the catch-all.</summary>
    internal static string Key(string @namespace, string room) => room.Length == 0 ? @namespace : @namespace + "/" + room;
}
