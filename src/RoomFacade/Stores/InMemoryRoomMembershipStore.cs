using System.Collections.Concurrent;
using RoomFacade.Diagnostics;

namespace RoomFacade.Stores;

/// <summary>
/// The default, single-server index. One lock per namespace guards that namespace's rooms and connections,
/// so join/leave are O(1) and a connection's removal is atomic with respect to a concurrent join.
/// </summary>
internal sealed class InMemoryRoomMembershipStore : IRoomMembershipStore, IRoomIndexCounter
{
    private static readonly Task<IReadOnlyCollection<string>> Empty = Task.FromResult<IReadOnlyCollection<string>>(Array.Empty<string>());

    private readonly ConcurrentDictionary<string, NamespaceState> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConnectionState> _connections = new(StringComparer.Ordinal);
    private readonly Counts _counts = new();

    public Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(connectionId);
        var ns = _namespaces.GetOrAdd(@namespace, static (n, counts) => new NamespaceState(n, counts), _counts);
        lock (ns.Lock)
        {
            if (_connections.TryGetValue(connectionId, out var existing) && !existing.Removed)
            {
                if (!ReferenceEquals(existing.Namespace, ns))
                {
                    throw new InvalidOperationException(
                        $"Connection '{connectionId}' is already registered in namespace '{existing.Namespace.Name}'.");
                }

                return Task.CompletedTask;
            }

            var state = new ConnectionState(ns);
            _connections[connectionId] = state;
            state.Rooms.Add(string.Empty);
            ns.AddMember(string.Empty, connectionId);
        }

        return Task.CompletedTask;
    }

    public Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return Task.FromResult<ConnectionRemoval?>(null);
        }

        var ns = state.Namespace;
        lock (ns.Lock)
        {
            if (state.Removed)
            {
                return Task.FromResult<ConnectionRemoval?>(null);
            }

            state.Removed = true;
            var rooms = state.Rooms.ToArray();
            var deleted = new List<string>();
            foreach (var room in rooms)
            {
                if (ns.RemoveMember(room, connectionId))
                {
                    deleted.Add(room);
                }
            }

            state.Rooms.Clear();
            var attributes = state.Attributes;
            state.Attributes = null;
            _connections.TryRemove(new KeyValuePair<string, ConnectionState>(connectionId, state));
            return Task.FromResult<ConnectionRemoval?>(new ConnectionRemoval(ns.Name, rooms, deleted)
            {
                Attributes = attributes ?? new Dictionary<string, string>(StringComparer.Ordinal),
            });
        }
    }

    public Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return Task.FromResult(default(RoomMembership));
        }

        lock (state.Namespace.Lock)
        {
            return Task.FromResult(state.Removed ? default : new RoomMembership(state.Namespace.Name, state.Rooms.Contains(room)));
        }
    }

    public Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(name);
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return Task.FromResult(false);
        }

        lock (state.Namespace.Lock)
        {
            if (state.Removed)
            {
                return Task.FromResult(false);
            }

            if (value is null)
            {
                state.Attributes?.Remove(name);
            }
            else
            {
                (state.Attributes ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        IReadOnlyDictionary<string, string> empty = new Dictionary<string, string>();
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return Task.FromResult(empty);
        }

        lock (state.Namespace.Lock)
        {
            return Task.FromResult(state.Removed || state.Attributes is null
                ? empty
                : (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(state.Attributes, StringComparer.Ordinal));
        }
    }

    public Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return Task.FromResult(_connections.TryGetValue(connectionId, out var state) && !state.Removed ? state.Namespace.Name : null);
    }

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Task.FromResult(ChangeRoom(connectionId, room, join: true));

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Task.FromResult(ChangeRoom(connectionId, room, join: false));

    private MembershipChange ChangeRoom(string connectionId, string room, bool join)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(room);
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return MembershipChange.UnknownConnection;
        }

        var ns = state.Namespace;
        lock (ns.Lock)
        {
            if (state.Removed)
            {
                return MembershipChange.UnknownConnection;
            }

            if (join)
            {
                return !state.Rooms.Add(room) ? MembershipChange.Unchanged
                    : ns.AddMember(room, connectionId) ? MembershipChange.RoomCreated : MembershipChange.Changed;
            }

            return !state.Rooms.Remove(room) ? MembershipChange.Unchanged
                : ns.RemoveMember(room, connectionId) ? MembershipChange.RoomDeleted : MembershipChange.Changed;
        }
    }

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        if (!_namespaces.TryGetValue(@namespace, out var ns))
        {
            return Empty;
        }

        lock (ns.Lock)
        {
            return ns.Rooms.TryGetValue(room, out var members)
                ? Task.FromResult<IReadOnlyCollection<string>>(members.ToArray())
                : Empty;
        }
    }

    public Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (!_connections.TryGetValue(connectionId, out var state))
        {
            return Empty;
        }

        lock (state.Namespace.Lock)
        {
            return state.Removed ? Empty : Task.FromResult<IReadOnlyCollection<string>>(state.Rooms.ToArray());
        }
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        var result = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        if (_namespaces.TryGetValue(@namespace, out var ns))
        {
            lock (ns.Lock)
            {
                foreach (var (room, members) in ns.Rooms)
                {
                    result[room] = members.ToArray();
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyCollection<string>>>(result);
    }

    public Task<long> CountAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(room);
        if (!_namespaces.TryGetValue(@namespace, out var ns))
        {
            return Task.FromResult(0L);
        }

        lock (ns.Lock)
        {
            return Task.FromResult(ns.Rooms.TryGetValue(room, out var members) ? (long)members.Count : 0L);
        }
    }

    public Task<IReadOnlyCollection<string>> GetRoomNamesAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (!_namespaces.TryGetValue(@namespace, out var ns))
        {
            return Empty;
        }

        lock (ns.Lock)
        {
            return Task.FromResult<IReadOnlyCollection<string>>(ns.Rooms.Keys.ToArray());
        }
    }

    public Task<IReadOnlyList<ConnectionDetails?>> GetConnectionDetailsAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var result = new ConnectionDetails?[connectionIds.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var id = connectionIds[i] ?? throw new ArgumentException("A connection id is null.", nameof(connectionIds));
            if (_connections.TryGetValue(id, out var state))
            {
                lock (state.Namespace.Lock)
                {
                    if (!state.Removed)
                    {
                        result[i] = new ConnectionDetails(
                            state.Rooms.ToArray(),
                            state.Attributes is null ? new Dictionary<string, string>() : new Dictionary<string, string>(state.Attributes, StringComparer.Ordinal));
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<ConnectionDetails?>>(result);
    }

    public RoomIndexCounts GetCounts() => new(Interlocked.Read(ref _counts.Rooms), Interlocked.Read(ref _counts.Memberships));

    private sealed class Counts
    {
        public long Rooms;
        public long Memberships;
    }

    private sealed class NamespaceState(string name, Counts counts)
    {
        public readonly Lock Lock = new();
        public readonly string Name = name;
        public readonly Dictionary<string, HashSet<string>> Rooms = new(StringComparer.Ordinal);

        /// <summary>Adds a member; true when this created the room.</summary>
        public bool AddMember(string room, string connectionId)
        {
            var created = false;
            if (!Rooms.TryGetValue(room, out var members))
            {
                members = new HashSet<string>(StringComparer.Ordinal);
                Rooms.Add(room, members);
                Interlocked.Increment(ref counts.Rooms);
                created = true;
            }

            if (members.Add(connectionId))
            {
                Interlocked.Increment(ref counts.Memberships);
            }

            return created;
        }

        /// <summary>Removes a member; true when this deleted the room (empty rooms are pruned).</summary>
        public bool RemoveMember(string room, string connectionId)
        {
            if (Rooms.TryGetValue(room, out var members) && members.Remove(connectionId))
            {
                Interlocked.Decrement(ref counts.Memberships);
                if (members.Count == 0)
                {
                    Rooms.Remove(room);
                    Interlocked.Decrement(ref counts.Rooms);
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class ConnectionState(NamespaceState ns)
    {
        public readonly NamespaceState Namespace = ns;
        public readonly HashSet<string> Rooms = new(StringComparer.Ordinal);
        public Dictionary<string, string>? Attributes;
        public bool Removed;
    }
}
