using RoomFacade.Stores;

namespace RoomFacade.Tests.Unit;

/// <summary>The in-memory index with failures that a test switches on (a store that is down, or answers slowly).</summary>
internal sealed class FaultyStore : IRoomMembershipStore
{
    private readonly InMemoryRoomMembershipStore _inner = new();
    private int _queryCalls;

    /// <summary>When set, <see cref="AddToRoomAsync"/> throws it (after doing nothing).</summary>
    public Exception? AddToRoomFailure { get; set; }

    /// <summary>When set, <see cref="RemoveFromRoomAsync"/> throws it (after doing nothing).</summary>
    public Exception? RemoveFromRoomFailure { get; set; }

    /// <summary>When set, runs after <see cref="GetNamespaceAsync"/> or <see cref="GetMembershipAsync"/> has answered (to let a disconnect land right after it).</summary>
    public Func<string, Task>? AfterGetNamespace { get; set; }

    /// <summary>When set, the member queries used to resolve emit targets throw.</summary>
    public bool FailQueries { get; set; }

    /// <summary>How many times <see cref="GetMembersAsync"/> or <see cref="GetRoomsAsync"/> was called.</summary>
    public int QueryCalls => Volatile.Read(ref _queryCalls);

    public Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
        => _inner.AddConnectionAsync(@namespace, connectionId, cancellationToken);

    public Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => _inner.RemoveConnectionAsync(connectionId, cancellationToken);

    public async Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
    {
        var membership = await _inner.GetMembershipAsync(connectionId, room, cancellationToken);
        if (AfterGetNamespace is { } after)
        {
            await after(connectionId);
        }

        return membership;
    }

    public Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
        => _inner.SetConnectionAttributeAsync(connectionId, name, value, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
        => _inner.GetConnectionAttributesAsync(connectionId, cancellationToken);

    public async Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        var ns = await _inner.GetNamespaceAsync(connectionId, cancellationToken);
        if (AfterGetNamespace is { } after)
        {
            await after(connectionId);
        }

        return ns;
    }

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => AddToRoomFailure is { } failure ? Task.FromException<MembershipChange>(failure) : _inner.AddToRoomAsync(connectionId, room, cancellationToken);

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => RemoveFromRoomFailure is { } failure ? Task.FromException<MembershipChange>(failure) : _inner.RemoveFromRoomAsync(connectionId, room, cancellationToken);

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queryCalls);
        return FailQueries
            ? Task.FromException<IReadOnlyCollection<string>>(new InvalidOperationException("The index is down."))
            : _inner.GetMembersAsync(@namespace, room, cancellationToken);
    }

    public Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => _inner.GetRoomsOfConnectionAsync(connectionId, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queryCalls);
        return FailQueries
            ? Task.FromException<IReadOnlyDictionary<string, IReadOnlyCollection<string>>>(new InvalidOperationException("The index is down."))
            : _inner.GetRoomsAsync(@namespace, cancellationToken);
    }
}
