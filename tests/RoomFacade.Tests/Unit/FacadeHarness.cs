using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using RoomFacade.Stores;
using RoomFacade.Testing;
using Xunit;
using RoomFacade.Internal;

namespace RoomFacade.Tests.Unit;

/// <summary>The hub type of the default namespace in the unit tests.</summary>
public sealed class DefaultTestHub : Hub;

/// <summary>The hub type of the namespace "/news" in the unit tests.</summary>
public sealed class NewsTestHub : Hub;

/// <summary>A hub type that is never registered as a namespace.</summary>
public sealed class UnregisteredTestHub : Hub;

/// <summary>
/// A <see cref="RoomManager"/> built from its internals: two namespaces ("" and "/news"), each bound to strict
/// SignalR mocks (any call a test did not set up fails), over a real in-memory index (or a given store).
/// </summary>
internal sealed class FacadeHarness
{
    public FacadeHarness(IRoomMembershipStore? store = null, int maxRoomNameLength = RoomFacadeOptions.DefaultMaxRoomNameLength)
    {
        Store = store ?? new InMemoryRoomMembershipStore();
        var options = new RoomFacadeOptions { MaxRoomNameLength = maxRoomNameLength };
        options.Namespaces.Add(new NamespaceRegistration(string.Empty, typeof(DefaultTestHub), _ => new NamespaceBinding(string.Empty, typeof(DefaultTestHub), Clients.Object, Groups.Object)));
        options.Namespaces.Add(new NamespaceRegistration("/news", typeof(NewsTestHub), _ => new NamespaceBinding("/news", typeof(NewsTestHub), NewsClients.Object, NewsGroups.Object)));
        var services = new ServiceCollection().BuildServiceProvider();
        Registry = new NamespaceRegistry(Options.Create(options), services);
        Manager = new RoomManager(Store, Registry, Options.Create(options), null);
    }

    public Mock<IHubClients> Clients { get; } = new(MockBehavior.Strict);

    public Mock<IGroupManager> Groups { get; } = new(MockBehavior.Strict);

    public Mock<IHubClients> NewsClients { get; } = new(MockBehavior.Strict);

    public Mock<IGroupManager> NewsGroups { get; } = new(MockBehavior.Strict);

    public IRoomMembershipStore Store { get; }

    public NamespaceRegistry Registry { get; }

    public RoomManager Manager { get; }

    /// <summary>Registers connections in the index as the lifetime hub filter does on connect.</summary>
    public async Task ConnectAsync(string @namespace, params string[] connectionIds)
    {
        foreach (var id in connectionIds)
        {
            await Store.AddConnectionAsync(@namespace, id).DefaultTimeout();
        }
    }

    /// <summary>Puts a connection into rooms directly in the index (no SignalR call).</summary>
    public async Task AddToRoomsAsync(string connectionId, params string[] rooms)
    {
        foreach (var room in rooms)
        {
            Assert.True((await Store.AddToRoomAsync(connectionId, room).DefaultTimeout()).IsChange());
        }
    }

    /// <summary>Lets the group manager accept adds and removes (and records them through the mock).</summary>
    public void AllowGroupChanges()
    {
        foreach (var groups in new[] { Groups, NewsGroups })
        {
            groups.Setup(g => g.AddToGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
            groups.Setup(g => g.RemoveFromGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        }
    }

    /// <summary>
    /// What SignalR would deliver to: the group memberships made through both group managers, as a real
    /// <c>DefaultHubLifetimeManager</c> keeps them (see <see cref="TrackGroups"/>).
    /// </summary>
    public HashSet<(string ConnectionId, string Room)> GroupMembers { get; } = [];

    /// <summary>When set, awaited inside the next <c>AddToGroupAsync</c> after the group add took effect (then cleared).</summary>
    public Func<Task>? PauseAfterNextGroupAdd { get; set; }

    /// <summary>Makes both group managers keep <see cref="GroupMembers"/> up to date, as SignalR does.</summary>
    public void TrackGroups()
    {
        foreach (var groups in new[] { Groups, NewsGroups })
        {
            groups.Setup(g => g.AddToGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
                .Returns(async (string id, string room, CancellationToken _) =>
                {
                    lock (GroupMembers)
                    {
                        GroupMembers.Add((id, room));
                    }

                    if (PauseAfterNextGroupAdd is { } pause)
                    {
                        PauseAfterNextGroupAdd = null;
                        await pause();
                    }
                });
            groups.Setup(g => g.RemoveFromGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
                .Returns((string id, string room, CancellationToken _) =>
                {
                    lock (GroupMembers)
                    {
                        GroupMembers.Remove((id, room));
                    }

                    return Task.CompletedTask;
                });
        }
    }

    /// <summary>Asserts that the index lists exactly the room memberships SignalR delivers to (catch-all rooms aside).</summary>
    public async Task AssertLockStepAsync(params string[] connectionIds)
    {
        var indexed = new List<string>();
        foreach (var id in connectionIds)
        {
            foreach (var room in await Store.GetRoomsOfConnectionAsync(id).DefaultTimeout())
            {
                if (room.Length > 0)
                {
                    indexed.Add($"{id}:{room}");
                }
            }
        }

        string[] delivered;
        lock (GroupMembers)
        {
            delivered = [.. GroupMembers.Where(m => connectionIds.Contains(m.ConnectionId)).Select(m => $"{m.ConnectionId}:{m.Room}")];
        }

        Assert.True(
            indexed.Order(StringComparer.Ordinal).SequenceEqual(delivered.Order(StringComparer.Ordinal)),
            $"Index and SignalR groups disagree. Index lists [{string.Join(", ", indexed)}]; SignalR delivers to [{string.Join(", ", delivered)}].");
    }

    /// <summary>A client proxy that accepts any send.</summary>
    public static Mock<IClientProxy> NewProxy() => NewProxy<IClientProxy>();

    /// <summary>A client proxy of a given kind (such as <see cref="ISingleClientProxy"/>) that accepts any send.</summary>
    public static Mock<T> NewProxy<T>()
        where T : class, IClientProxy
    {
        var proxy = new Mock<T>(MockBehavior.Strict);
        proxy.Setup(p => p.SendCoreAsync(It.IsAny<string>(), It.IsAny<object?[]>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        return proxy;
    }

    /// <summary>Verifies that exactly one send of <paramref name="eventName"/> with <paramref name="payload"/> went through the proxy.</summary>
    public static void VerifySentOnce<T>(Mock<T> proxy, string eventName, object? payload)
        where T : class, IClientProxy
    {
        proxy.Verify(p => p.SendCoreAsync(eventName, It.Is<object?[]>(a => a.Length == 1 && Equals(a[0], payload)), It.IsAny<CancellationToken>()), Times.Once);
        proxy.VerifyNoOtherCalls();
    }

    /// <summary>No SignalR call of any kind happened on either namespace.</summary>
    public void VerifyNoSignalRCalls()
    {
        Clients.VerifyNoOtherCalls();
        Groups.VerifyNoOtherCalls();
        NewsClients.VerifyNoOtherCalls();
        NewsGroups.VerifyNoOtherCalls();
    }

    /// <summary>Everything the index holds for both namespaces, in a comparable form.</summary>
    public async Task<string> SnapshotAsync(params string[] connectionIds)
    {
        var lines = new List<string>();
        foreach (var ns in new[] { string.Empty, "/news" })
        {
            var rooms = await Store.GetRoomsAsync(ns).DefaultTimeout();
            foreach (var (room, members) in rooms.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                lines.Add($"ns[{ns}] room[{room}] = {string.Join(",", members.Order(StringComparer.Ordinal))}");
            }
        }

        foreach (var id in connectionIds)
        {
            var rooms = await Store.GetRoomsOfConnectionAsync(id).DefaultTimeout();
            lines.Add($"conn[{id}] ns[{await Store.GetNamespaceAsync(id).DefaultTimeout()}] = {string.Join(",", rooms.Order(StringComparer.Ordinal))}");
        }

        return string.Join("\n", lines);
    }
}

/// <summary>Moq argument matchers for connection id lists.</summary>
internal static class Ids
{
    /// <summary>Matches a list holding exactly <paramref name="expected"/>, each id once, in any order.</summary>
    public static IReadOnlyList<string> Exactly(params string[] expected)
        => Match.Create<IReadOnlyList<string>>(
            ids => ids is not null
                && ids.Count == expected.Length
                && ids.Distinct(StringComparer.Ordinal).Count() == ids.Count
                && ids.ToHashSet(StringComparer.Ordinal).SetEquals(expected));
}
