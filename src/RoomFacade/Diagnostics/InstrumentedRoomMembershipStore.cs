using System.Diagnostics;
using RoomFacade.Stores;

namespace RoomFacade.Diagnostics;

/// <summary>Times every index operation and counts failures, around whatever store is registered.</summary>
internal sealed class InstrumentedRoomMembershipStore(IRoomMembershipStore inner, RoomFacadeMetrics metrics) : IRoomMembershipStore
{
    public IRoomMembershipStore Inner => inner;

    public Task AddConnectionAsync(string @namespace, string connectionId, CancellationToken cancellationToken = default)
        => Measure("connect", () => inner.AddConnectionAsync(@namespace, connectionId, cancellationToken));

    public Task<ConnectionRemoval?> RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => Measure("disconnect", () => inner.RemoveConnectionAsync(connectionId, cancellationToken));

    public Task<RoomMembership> GetMembershipAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Measure("membership", () => inner.GetMembershipAsync(connectionId, room, cancellationToken));

    public Task<bool> SetConnectionAttributeAsync(string connectionId, string name, string? value, CancellationToken cancellationToken = default)
        => Measure("set_attribute", () => inner.SetConnectionAttributeAsync(connectionId, name, value, cancellationToken));

    public Task<IReadOnlyDictionary<string, string>> GetConnectionAttributesAsync(string connectionId, CancellationToken cancellationToken = default)
        => Measure("attributes", () => inner.GetConnectionAttributesAsync(connectionId, cancellationToken));

    public Task<string?> GetNamespaceAsync(string connectionId, CancellationToken cancellationToken = default)
        => Measure("lookup", () => inner.GetNamespaceAsync(connectionId, cancellationToken));

    public Task<MembershipChange> AddToRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Measure("join", () => inner.AddToRoomAsync(connectionId, room, cancellationToken));

    public Task<MembershipChange> RemoveFromRoomAsync(string connectionId, string room, CancellationToken cancellationToken = default)
        => Measure("leave", () => inner.RemoveFromRoomAsync(connectionId, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetMembersAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Measure("members", () => inner.GetMembersAsync(@namespace, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetRoomsOfConnectionAsync(string connectionId, CancellationToken cancellationToken = default)
        => Measure("connection_rooms", () => inner.GetRoomsOfConnectionAsync(connectionId, cancellationToken));

    public Task<IReadOnlyDictionary<string, IReadOnlyCollection<string>>> GetRoomsAsync(string @namespace, CancellationToken cancellationToken = default)
        => Measure("rooms", () => inner.GetRoomsAsync(@namespace, cancellationToken));

    public Task<long> CountAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Measure("count", () => inner.CountAsync(@namespace, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetMembersWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Measure("members", () => inner.GetMembersWithOwnIdRoomAsync(@namespace, room, cancellationToken));

    public Task<long> CountWithOwnIdRoomAsync(string @namespace, string room, CancellationToken cancellationToken = default)
        => Measure("count", () => inner.CountWithOwnIdRoomAsync(@namespace, room, cancellationToken));

    public Task<IReadOnlyCollection<string>> GetRoomNamesAsync(string @namespace, CancellationToken cancellationToken = default)
        => Measure("room_names", () => inner.GetRoomNamesAsync(@namespace, cancellationToken));

    public Task<IReadOnlyList<ConnectionDetails?>> GetConnectionDetailsAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken = default)
        => Measure("connection_details", () => inner.GetConnectionDetailsAsync(connectionIds, cancellationToken));

    private Task Measure(string operation, Func<Task> action) => Measure(operation, async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    });

    private async Task<T> Measure<T>(string operation, Func<Task<T>> action)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var result = await action().ConfigureAwait(false);
            metrics.Operation(operation, start, failed: false);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.Operation(operation, start, failed: true);
            throw;
        }
    }
}
