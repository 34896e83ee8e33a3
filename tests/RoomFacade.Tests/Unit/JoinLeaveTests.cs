using Microsoft.AspNetCore.SignalR;
using Moq;
using RoomFacade.Stores;
using RoomFacade.Testing;
using Xunit;

namespace RoomFacade.Tests.Unit;

/// <summary>Join and leave keep SignalR groups and the index in lock-step, and roll back half-done changes.</summary>
public sealed class JoinLeaveTests
{
    [Fact]
    public async Task Join_adds_the_SignalR_group_first_then_the_index()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        bool? listedWhenGroupAdded = null;
        h.Groups.Setup(g => g.AddToGroupAsync("a", "room", It.IsAny<CancellationToken>()))
            .Returns(async () => listedWhenGroupAdded = (await h.Store.GetMembersAsync("", "room")).Contains("a"));

        await h.Manager.JoinAsync("a", "room").DefaultTimeout();

        Assert.False(listedWhenGroupAdded);
        h.Groups.Verify(g => g.AddToGroupAsync("a", "room", It.IsAny<CancellationToken>()), Times.Once);
        h.VerifyNoSignalRCalls();
        Assert.Equal(["a"], await h.Store.GetMembersAsync("", "room").DefaultTimeout());
        Assert.Equal(["", "room"], (await h.Manager.GetRoomsOfAsync("a").DefaultTimeout()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Join_through_a_socket_of_the_news_namespace_uses_the_news_groups()
    {
        var h = new FacadeHarness();
        h.AllowGroupChanges();
        await h.ConnectAsync("/news", "n");

        var socket = await h.Manager.GetSocketAsync("n").DefaultTimeout();
        await socket.JoinAsync("room").DefaultTimeout();

        h.NewsGroups.Verify(g => g.AddToGroupAsync("n", "room", It.IsAny<CancellationToken>()), Times.Once);
        h.NewsGroups.VerifyNoOtherCalls();
        h.Groups.VerifyNoOtherCalls();
        Assert.Equal(["n"], await h.Manager.GetMembersAsync("/news", "room").DefaultTimeout());
        Assert.Empty(await h.Manager.GetMembersAsync("", "room").DefaultTimeout());
    }

    [Fact]
    public async Task Joining_twice_is_harmless()
    {
        var h = new FacadeHarness();
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");

        await h.Manager.JoinAsync("a", "room").DefaultTimeout();
        await h.Manager.JoinAsync("a", "room").DefaultTimeout();

        Assert.Equal(["a"], await h.Manager.GetMembersAsync("", "room").DefaultTimeout());
        h.Groups.Verify(g => g.RemoveFromGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Join_rolls_back_the_group_when_the_index_fails()
    {
        var failure = new InvalidOperationException("index down");
        var store = new FaultyStore();
        var h = new FacadeHarness(store);
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");
        var before = await h.SnapshotAsync("a");
        store.AddToRoomFailure = failure;

        var ex = await Assert.ThrowsAsync<RoomStoreException>(() => h.Manager.JoinAsync("a", "room")).DefaultTimeout();

        Assert.Same(failure, ex.InnerException);
        Assert.Contains("room", ex.Message);
        var sequence = h.Groups.Invocations.Select(i => i.Method.Name).ToArray();
        Assert.Equal([nameof(IGroupManager.AddToGroupAsync), nameof(IGroupManager.RemoveFromGroupAsync)], sequence);
        h.Groups.Verify(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(before, await h.SnapshotAsync("a"));
    }

    [Fact]
    public async Task Join_cancelled_in_the_index_is_rolled_back_and_stays_a_cancellation()
    {
        var store = new FaultyStore { AddToRoomFailure = new OperationCanceledException() };
        var h = new FacadeHarness(store);
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Manager.JoinAsync("a", "room")).DefaultTimeout();

        h.Groups.Verify(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(await h.Store.GetMembersAsync("", "room").DefaultTimeout());
    }

    [Fact]
    public async Task Join_racing_a_disconnect_rolls_back_the_group_and_reports_the_unknown_connection()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        h.Groups.Setup(g => g.AddToGroupAsync("a", "room", It.IsAny<CancellationToken>()))
            .Returns(async () => await h.Store.RemoveConnectionAsync("a")); // the disconnect lands between the group add and the index add
        h.Groups.Setup(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        var ex = await Assert.ThrowsAsync<UnknownConnectionException>(() => h.Manager.JoinAsync("a", "room")).DefaultTimeout();

        Assert.Equal("a", ex.ConnectionId);
        h.Groups.Verify(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(await h.Store.GetRoomsAsync("").DefaultTimeout());
        Assert.Empty(await h.Store.GetRoomsOfConnectionAsync("a").DefaultTimeout());
    }

    [Fact]
    public async Task Join_whose_group_add_fails_leaves_the_index_unchanged()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        h.Groups.Setup(g => g.AddToGroupAsync("a", "room", It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("backplane down"));
        var before = await h.SnapshotAsync("a");

        await Assert.ThrowsAsync<IOException>(() => h.Manager.JoinAsync("a", "room")).DefaultTimeout();

        Assert.Equal(before, await h.SnapshotAsync("a"));
    }

    [Fact]
    public async Task Leave_removes_the_index_entry_first_then_the_group()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.AddToRoomsAsync("a", "room");
        bool? listedWhenGroupRemoved = null;
        h.Groups.Setup(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>()))
            .Returns(async () => listedWhenGroupRemoved = (await h.Store.GetMembersAsync("", "room")).Contains("a"));

        await h.Manager.LeaveAsync("a", "room").DefaultTimeout();

        Assert.False(listedWhenGroupRemoved);
        h.Groups.Verify(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>()), Times.Once);
        h.VerifyNoSignalRCalls();
        Assert.Equal([""], (await h.Store.GetRoomsAsync("").DefaultTimeout()).Keys);
    }

    [Fact]
    public async Task Leave_restores_the_membership_when_the_group_removal_fails()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a", "b");
        await h.AddToRoomsAsync("a", "room");
        await h.AddToRoomsAsync("b", "room");
        var before = await h.SnapshotAsync("a", "b");
        var failure = new IOException("backplane down");
        h.Groups.Setup(g => g.RemoveFromGroupAsync("a", "room", It.IsAny<CancellationToken>())).ThrowsAsync(failure);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => h.Manager.LeaveAsync("a", "room")).DefaultTimeout();

        Assert.Same(failure, ex is RoomStoreException ? ex.InnerException : ex);
        Assert.Equal(before, await h.SnapshotAsync("a", "b"));
        Assert.Equal(["", "room"], (await h.Manager.GetRoomsOfAsync("a").DefaultTimeout()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Leave_when_the_index_fails_does_not_touch_SignalR()
    {
        var failure = new InvalidOperationException("index down");
        var store = new FaultyStore();
        var h = new FacadeHarness(store);
        await h.ConnectAsync("", "a");
        await h.AddToRoomsAsync("a", "room");
        var before = await h.SnapshotAsync("a");
        store.RemoveFromRoomFailure = failure;

        var ex = await Assert.ThrowsAsync<RoomStoreException>(() => h.Manager.LeaveAsync("a", "room")).DefaultTimeout();

        Assert.Same(failure, ex.InnerException);
        h.VerifyNoSignalRCalls();
        Assert.Equal(before, await h.SnapshotAsync("a"));
    }

    [Fact]
    public async Task Leaving_a_room_one_is_not_in_is_harmless()
    {
        var h = new FacadeHarness();
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a", "b");
        await h.AddToRoomsAsync("b", "room");
        var before = await h.SnapshotAsync("a", "b");

        await h.Manager.LeaveAsync("a", "room").DefaultTimeout();
        await h.Manager.LeaveAsync("a", "never").DefaultTimeout();

        Assert.Equal(before, await h.SnapshotAsync("a", "b"));
        h.Groups.Verify(g => g.AddToGroupAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Room_names_up_to_the_limit_are_accepted_and_one_more_is_refused()
    {
        var h = new FacadeHarness(maxRoomNameLength: 5);
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");

        await h.Manager.JoinAsync("a", "12345").DefaultTimeout();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => h.Manager.JoinAsync("a", "123456")).DefaultTimeout();

        Assert.Contains("MaxRoomNameLength", ex.Message);
        Assert.Equal(["", "12345"], (await h.Manager.GetRoomsOfAsync("a").DefaultTimeout()).Order(StringComparer.Ordinal));
        h.Groups.Verify(g => g.AddToGroupAsync("a", "123456", It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Any_string_is_a_room_name()
    {
        string[] rooms = ["with space", "a/b", "{tag}", "*", "ünïcødé 🙂", ":", "/leading-slash"];
        var h = new FacadeHarness();
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");

        foreach (var room in rooms)
        {
            await h.Manager.JoinAsync("a", room).DefaultTimeout();
        }

        Assert.Equal(["", .. rooms.Order(StringComparer.Ordinal)], (await h.Manager.GetRoomsOfAsync("a").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["", .. rooms.Order(StringComparer.Ordinal)],
            (await h.Manager.GetRoomsAsync("").DefaultTimeout()).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetRoomsOf_an_unknown_connection_throws()
    {
        var h = new FacadeHarness();
        await h.ConnectAsync("", "a");
        await h.Store.RemoveConnectionAsync("a").DefaultTimeout();

        var ex = await Assert.ThrowsAsync<UnknownConnectionException>(() => h.Manager.GetRoomsOfAsync("a")).DefaultTimeout();
        Assert.Equal("a", ex.ConnectionId);
        Assert.Contains("'a'", ex.Message);
    }

    [Fact]
    public async Task Index_queries_ignore_connections_of_other_namespaces()
    {
        var h = new FacadeHarness();
        h.AllowGroupChanges();
        await h.ConnectAsync("", "a");
        await h.ConnectAsync("/news", "n");
        await h.Manager.JoinAsync("a", "room").DefaultTimeout();
        await h.Manager.JoinAsync("n", "room").DefaultTimeout();

        var chatRooms = await h.Manager.GetRoomsAsync("").DefaultTimeout();
        var newsRooms = await h.Manager.GetRoomsAsync("news").DefaultTimeout();

        Assert.Equal(["a"], chatRooms["room"]);
        Assert.Equal(["a"], chatRooms[""]);
        Assert.Equal(["n"], newsRooms["room"]);
        Assert.Equal(["n"], newsRooms[""]);
        Assert.Equal(["n"], await h.Manager.GetMembersAsync("/news", "").DefaultTimeout());
    }

    [Fact]
    public async Task Sequential_joins_and_leaves_keep_the_index_and_SignalR_in_lock_step()
    {
        var h = new FacadeHarness();
        h.TrackGroups();
        await h.ConnectAsync("", "a", "b");
        await h.ConnectAsync("/news", "n");

        await h.Manager.JoinAsync("a", "r1").DefaultTimeout();
        await h.Manager.JoinAsync("a", "r2").DefaultTimeout();
        await h.Manager.JoinAsync("b", "r1").DefaultTimeout();
        await h.Manager.JoinAsync("n", "r1").DefaultTimeout();
        await h.Manager.JoinAsync("a", "r1").DefaultTimeout();
        await h.Manager.LeaveAsync("a", "r2").DefaultTimeout();
        await h.Manager.LeaveAsync("b", "never").DefaultTimeout();

        await h.AssertLockStepAsync("a", "b", "n");
        Assert.Equal(3, h.GroupMembers.Count);
    }

    [Fact]
    public async Task Failed_duplicate_join_keeps_the_existing_membership_delivering()
    {
        // a is in "room" (index and SignalR). A second join of "room" while the index cannot add anything: the facade
        // sees the existing membership first, so it neither fails nor takes a out of the SignalR group.
        var store = new FaultyStore();
        var h = new FacadeHarness(store);
        h.TrackGroups();
        await h.ConnectAsync("", "a");
        await h.Manager.JoinAsync("a", "room").DefaultTimeout();
        store.AddToRoomFailure = new InvalidOperationException("index blip");

        await h.Manager.JoinAsync("a", "room").DefaultTimeout();

        store.AddToRoomFailure = null;
        Assert.Equal(["a"], await h.Manager.GetMembersAsync("", "room").DefaultTimeout());
        await h.AssertLockStepAsync("a");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Join_and_leave_racing_on_one_room_end_in_lock_step(bool alreadyMember)
    {
        // A server-side JoinAsync and LeaveAsync of the same connection and room at the same time (say, two services
        // using IRoomManager): whichever wins, the index must end up agreeing with SignalR.
        var h = new FacadeHarness();
        h.TrackGroups();
        await h.ConnectAsync("", "a");
        if (alreadyMember)
        {
            await h.Manager.JoinAsync("a", "room").DefaultTimeout();
        }

        if (alreadyMember)
        {
            // The join is a no-op for a member (no SignalR step to pause in): race them many times instead.
            for (var i = 0; i < 50; i++)
            {
                var first = i % 2 == 0 ? h.Manager.JoinAsync("a", "room") : h.Manager.LeaveAsync("a", "room");
                var second = i % 2 == 0 ? h.Manager.LeaveAsync("a", "room") : h.Manager.JoinAsync("a", "room");
                await Task.WhenAll(first, second).DefaultTimeout();
                await h.AssertLockStepAsync("a");
            }

            return;
        }

        var joinInGroup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.PauseAfterNextGroupAdd = async () =>
        {
            joinInGroup.SetResult();
            await release.Task;
        };

        var join = h.Manager.JoinAsync("a", "room");
        await joinInGroup.Task.DefaultTimeout(); // the join has added the SignalR group, not yet the index entry
        var leave = h.Manager.LeaveAsync("a", "room");
        release.SetResult();
        await Task.WhenAll(join, leave).DefaultTimeout();

        await h.AssertLockStepAsync("a");
    }

    [Fact]
    public async Task Store_contract_holds_for_the_default_store()
    {
        // The facade relies on this: a join after the removal of a connection is refused by the index itself.
        IRoomMembershipStore store = new InMemoryRoomMembershipStore();
        await store.AddConnectionAsync("", "a").DefaultTimeout();
        await store.RemoveConnectionAsync("a").DefaultTimeout();

        Assert.Equal(MembershipChange.UnknownConnection, await store.AddToRoomAsync("a", "room").DefaultTimeout());
        Assert.Empty(await store.GetRoomsAsync("").DefaultTimeout());
    }
}
