using System.Collections.Concurrent;
using RoomFacade.Stores;

namespace RoomFacade.Tests.Unit;

/// <summary>The in-memory index, counting how often each store operation is called (a round trip with a remote store).</summary>
internal sealed class CountingStore : IRoomMembershipStore
{
    private readonly IRoomMembershipStore _inner = new InMemoryRoomMembershipStore();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>How many times the operation named <paramref name="operation"/> was called.</summary>
    public int Calls(string operation) => _calls.TryGetValue(operation, out var n) ? n : 0;

    /// <summary>Every call so far, as "operation x count".</summary>
    public string Describe() => string.Join(", ", _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));

    public void Reset() => _calls.Clear();

    public Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
        => Count(nameof(AddConnectionAsync), _inner.AddConnectionAsync(@namespace, connectionId, cancellationToken));

    public Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => Count(nameof(RemoveConnectionAsync), _inner.RemoveConnectionAsync(connectionId, cancellationToken));

    public Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
        => Count(nameof(GetNamespaceAsync), _inner.GetNamespaceAsync(connectionId, cancellationToken));

    public Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Count(nameof(GetMembershipAsync), _inner.GetMembershipAsync(connectionId, room, cancellationToken));

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Count(nameof(AddToRoomAsync), _inner.AddToRoomAsync(connectionId, room, cancellationToken));

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Count(nameof(RemoveFromRoomAsync), _inner.RemoveFromRoomAsync(connectionId, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Count(nameof(GetMembersAsync), _inner.GetMembersAsync(@namespace, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => Count(nameof(GetRoomsOfConnectionAsync), _inner.GetRoomsOfConnectionAsync(connectionId, cancellationToken));

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
        => Count(nameof(GetRoomsAsync), _inner.GetRoomsAsync(@namespace, cancellationToken));

    public Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
        => Count(nameof(SetConnectionAttributeAsync), _inner.SetConnectionAttributeAsync(connectionId, name, value, cancellationToken));

    public Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
        => Count(nameof(GetConnectionAttributesAsync), _inner.GetConnectionAttributesAsync(connectionId, cancellationToken));

    public Task<long> CountAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Count(nameof(CountAsync), _inner.CountAsync(@namespace, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetRoomNamesAsync(string @namespace, CancellationToken cancellationToken = default)
        => Count(nameof(GetRoomNamesAsync), _inner.GetRoomNamesAsync(@namespace, cancellationToken));

    public Task<IReadOnlyList<ConnectionDetails?>> GetConnectionDetailsAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken = default)
        => Count(nameof(GetConnectionDetailsAsync), _inner.GetConnectionDetailsAsync(connectionIds, cancellationToken));

    private T Count<T>(string operation, T result)
    {
        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        return result;
    }
}
