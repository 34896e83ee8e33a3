namespace RoomFacade;

/// <summary>Why a room event happened.</summary>
public enum RoomEventReason
{
    /// <summary>A join (<c>socket.join</c>, <c>socketsJoin</c>).</summary>
    Join,

    /// <summary>A leave (<c>socket.leave</c>, <c>LeaveAllAsync</c>, <c>socketsLeave</c>).</summary>
    Leave,

    /// <summary>The connection disconnected and the server holding it cleaned up.</summary>
    Disconnect,

    /// <summary>
    /// The server holding the connection stopped heartbeating (crashed) and another server swept its connections out of
    /// the index; fired once in the cluster, by the sweeping server, within the store's sweep bound (Redis:
    /// <c>ServerTimeout + SweepInterval</c>). The in-memory store has no other servers and never sweeps.
    /// </summary>
    Sweep,
}
