using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RoomFacade.Stores;

namespace RoomFacade.Internal;

/// <summary>
/// The connections of registered hubs that live on this server, with what is needed to disconnect them and to know
/// when their disconnect has been fully handled (the index cleaned up).
/// </summary>
internal sealed class LocalConnections : ILocalConnectionControl
{
    private static readonly AsyncLocal<string?> CurrentCallerId = new();

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The connection whose hub method is running on this async flow (set by the lifetime filter).</summary>
    public static string? CurrentCaller
    {
        get => CurrentCallerId.Value;
        set => CurrentCallerId.Value = value;
    }

    public void Add(HubCallerContext context) => _entries[context.ConnectionId] = new Entry(context);

    /// <summary>Called once the connection's disconnect has been handled (index cleaned up).</summary>
    public void Remove(string connectionId)
    {
        if (_entries.TryRemove(connectionId, out var entry))
        {
            entry.Gone.TrySetResult();
        }
    }

    public bool Contains(string connectionId) => _entries.ContainsKey(connectionId);

    /// <inheritdoc />
    public Task<bool> DisconnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return DisconnectAsync(connectionId, RoomManager.DisconnectTimeout, cancellationToken);
    }

    /// <summary>
    /// Records the attributes a disconnecting connection had when it left the index, so that code running after
    /// (a v4 <c>disconnect</c> handler) can still read its data on this server until <see cref="Remove"/>.
    /// </summary>
    public void SetDeparted(string connectionId, IReadOnlyDictionary<string, string> attributes)
    {
        if (_entries.TryGetValue(connectionId, out var entry))
        {
            entry.Departed = attributes;
        }
    }

    /// <summary>The attributes of a local connection that has already left the index (see <see cref="SetDeparted"/>).</summary>
    public bool TryGetDeparted(string connectionId, out IReadOnlyDictionary<string, string> attributes)
    {
        attributes = _entries.TryGetValue(connectionId, out var entry) ? entry.Departed! : null!;
        return attributes is not null;
    }

    public bool TryGet(string connectionId, out HubCallerContext context)
    {
        if (_entries.TryGetValue(connectionId, out var entry))
        {
            context = entry.Context;
            return true;
        }

        context = null!;
        return false;
    }

    /// <summary>
    /// Aborts a local connection and waits until its disconnect has been handled, so that when this returns the
    /// connection is in no room of the index. False when the connection is not on this server.
    /// </summary>
    public async Task<bool> DisconnectAsync(string connectionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(connectionId, out var entry))
        {
            return false;
        }

        entry.Context.Abort();
        if (CurrentCaller == connectionId)
        {
            // A hub method disconnecting its own caller: SignalR runs the disconnect after the method returns, so
            // waiting here would wait for ourselves. The clean-up follows as soon as the method completes.
            return true;
        }

        await entry.Gone.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private sealed class Entry(HubCallerContext context)
    {
        public HubCallerContext Context { get; } = context;

        public TaskCompletionSource Gone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile IReadOnlyDictionary<string, string>? Departed;
    }
}
