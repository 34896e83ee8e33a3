namespace RoomFacade.Redis.Index;

/// <summary>
/// The Lua scripts of the index. Each runs atomically in one round trip and receives every key it touches in
/// KEYS (all of one namespace's hash tag, or all of the global tag), so it is safe on Redis Cluster and with prefixes.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Adds a connection to a room, if the connection exists.
    /// KEYS: [1] c:{id}, [2] r:{room}, [3] rooms. ARGV: [1] id, [2] room.
    /// Returns 2 added and the room created, 1 added, 0 already a member, -1 connection unknown (nothing changed).
    /// </summary>
    public const string Join = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local added = redis.call('SADD', KEYS[1], ARGV[2])
        if added == 1 then
          redis.call('SADD', KEYS[2], ARGV[1])
          added = added + redis.call('SADD', KEYS[3], ARGV[2])
        end
        return added
        """;

    /// <summary>
    /// Removes a connection from a room, if the connection exists; an emptied room leaves the room list.
    /// KEYS: [1] c:{id}, [2] r:{room}, [3] rooms. ARGV: [1] id, [2] room.
    /// Returns 2 removed and the room deleted, 1 removed, 0 was not a member, -1 connection unknown.
    /// </summary>
    public const string Leave = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local removed = redis.call('SREM', KEYS[1], ARGV[2])
        if removed == 1 then
          redis.call('SREM', KEYS[2], ARGV[1])
          if redis.call('SCARD', KEYS[2]) == 0 then
            redis.call('SREM', KEYS[3], ARGV[2])
            removed = 2
          end
        end
        return removed
        """;

    /// <summary>
    /// The members of a room as Socket.IO v4 counts them: the room's set, plus the connection named like the room when
    /// it exists in the namespace (its own-id room) and is not already listed. One round trip for <c>clients(room)</c>.
    /// KEYS: [1] r:{room}, [2] c:{room}. ARGV: [1] room. Returns the member ids.
    /// </summary>
    public const string MembersWithOwnIdRoom = """
        local members = redis.call('SMEMBERS', KEYS[1])
        if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
          members[#members + 1] = ARGV[1]
        end
        return members
        """;

    /// <summary>
    /// The size of <see cref="MembersWithOwnIdRoom"/>'s answer, without the members.
    /// KEYS: [1] r:{room}, [2] c:{room}. ARGV: [1] room. Returns the count.
    /// </summary>
    public const string CountWithOwnIdRoom = """
        local count = redis.call('SCARD', KEYS[1])
        if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
          count = count + 1
        end
        return count
        """;

    /// <summary>
    /// Sets or removes one attribute of a connection, if the connection exists.
    /// KEYS: [1] c:{id}, [2] a:{id}. ARGV: [1] name, [2] value, [3] '1' to set, '0' to remove. Returns 1, or 0 when unknown.
    /// </summary>
    public const string SetAttribute = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if ARGV[3] == '1' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) else redis.call('HDEL', KEYS[2], ARGV[1]) end
        return 1
        """;

    /// <summary>
    /// Sets a connection's complete room list (connect, re-publish, reconcile), or removes the connection when the
    /// list is empty (disconnect, sweep). Rooms it must leave are passed by the caller (their keys must be in KEYS);
    /// when the stored list holds rooms the caller did not pass, nothing changes and those rooms are returned so the
    /// caller can retry with their keys.
    /// KEYS: [1] c:{id}, [2] rooms, [3] s:{serverId}, [4] a:{id}, [5 .. 4+n] r:{desired room}, [5+n ..] r:{stale room}.
    /// ARGV: [1] id, [2] n, [3 .. 2+n] desired rooms, [3+n ..] stale rooms (same order as their keys).
    /// Returns {1, deleted room, ...} when applied (the rooms that became empty), {0, room, ...} when unlisted stale
    /// rooms were found (nothing changed).
    /// </summary>
    public const string Sync = """
        local id = ARGV[1]
        local n = tonumber(ARGV[2])
        local desired = {}
        for i = 1, n do desired[ARGV[2 + i]] = true end
        local stale = {}
        for i = 3 + n, #ARGV do stale[ARGV[i]] = KEYS[i + 2] end
        local current = redis.call('SMEMBERS', KEYS[1])
        local unlisted = {0}
        for _, room in ipairs(current) do
          if not desired[room] and not stale[room] then table.insert(unlisted, room) end
        end
        if #unlisted > 1 then return unlisted end
        local result = {1}
        for _, room in ipairs(current) do
          if not desired[room] then
            local key = stale[room]
            redis.call('SREM', KEYS[1], room)
            redis.call('SREM', key, id)
            if redis.call('SCARD', key) == 0 then
              redis.call('SREM', KEYS[2], room)
              table.insert(result, room)
            end
          end
        end
        if n == 0 then
          redis.call('DEL', KEYS[1], KEYS[4])
          redis.call('SREM', KEYS[3], id)
          return result
        end
        for i = 1, n do
          local room = ARGV[2 + i]
          redis.call('SADD', KEYS[1], room)
          redis.call('SADD', KEYS[4 + i], id)
          redis.call('SADD', KEYS[2], room)
        end
        redis.call('SADD', KEYS[3], id)
        return result
        """;

    /// <summary>
    /// Records a server's heartbeat at Redis's own clock (so servers' clocks never disagree) and reports whether its
    /// publication marker in the global slot still exists.
    /// KEYS: [1] servers, [2] m:{serverId} (global slot). ARGV: [1] serverId. Returns 1 when the marker exists, 0 when it
    /// is gone (Redis lost data, or a sweep removed this server's connections: it must re-publish).
    /// </summary>
    public const string Heartbeat = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        return redis.call('EXISTS', KEYS[2])
        """;

    /// <summary>
    /// Writes a server's publication marker in a namespace's slot and lists the server among the namespace's servers (the
    /// backplane's route on a cluster reads that list), atomically: data loss removes both or neither.
    /// KEYS: [1] m:{serverId}, [2] servers (both of the namespace). ARGV: [1] serverId.
    /// </summary>
    public const string MarkNamespace = """
        redis.call('SET', KEYS[1], '1')
        redis.call('SADD', KEYS[2], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Forgets a server in one namespace (a sweep, or its own graceful shutdown): its marker, its place in the namespace's
    /// server list, its backplane sequence numbers there and its field in the other listed servers' sequence hashes.
    /// KEYS: [1] m:{serverId}, [2] servers, [3] q:{serverId} (all of the namespace). ARGV: [1] serverId, [2] the
    /// namespace's sequence-hash prefix (<c>…:q:</c>; the other servers' hashes share the slot).
    /// </summary>
    public const string ForgetInNamespace = """
        redis.call('DEL', KEYS[1], KEYS[3])
        redis.call('SREM', KEYS[2], ARGV[1])
        for _, s in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('HDEL', ARGV[2] .. s, ARGV[1]) end
        return 1
        """;

    /// <summary>
    /// Lists servers whose last heartbeat is older than the timeout, at Redis's clock.
    /// KEYS: [1] servers. ARGV: [1] timeout (ms). Returns {serverId, lastBeatMs, ...}.
    /// </summary>
    public const string FindDead = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'WITHSCORES')
        """;

    /// <summary>
    /// Forgets a swept server unless it has beaten since it was found dead, with its backplane sequence numbers: its own
    /// hash and its field in the other servers' hashes (all in the global slot).
    /// KEYS: [1] servers, [2] q:{serverId}, [3 ..] q:{other server}. ARGV: [1] serverId, [2] the last beat seen when it
    /// was found dead. Returns 1 when removed.
    /// </summary>
    public const string ForgetServer = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        for i = 3, #KEYS do redis.call('HDEL', KEYS[i], ARGV[1]) end
        return 1
        """;

    /// <summary>
    /// Removes a batch of a dead server's connections from one namespace, and that server's publication marker there
    /// (so that, should the server be alive after all, it re-publishes). A connection whose stored rooms include one
    /// the caller did not pass is left alone and returned for a retry.
    /// KEYS: [1] s:{serverId}, [2] rooms, [3] m:{serverId}, then per connection i: [2+2i] c:{id}, [3+2i] a:{id}, then
    /// [4+2n ..] r:{room} for every room passed. ARGV: [1] n, [2 .. 1+n] ids, [2+n ..] room names (same order as their keys).
    /// Returns {removed, retry, deleted}: removed = {id, room count, rooms..., ...}, retry = {id, ...}, deleted = rooms
    /// that became empty.
    /// </summary>
    public const string SweepBatch = """
        local n = tonumber(ARGV[1])
        local roomKey = {}
        for j = 2 + n, #ARGV do roomKey[ARGV[j]] = KEYS[j + 2 + n] end
        local removed, retry, deleted = {}, {}, {}
        for i = 1, n do
          local id = ARGV[1 + i]
          local ckey, akey = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
          local rooms = redis.call('SMEMBERS', ckey)
          local known = true
          for _, room in ipairs(rooms) do
            if not roomKey[room] then known = false break end
          end
          if known then
            for _, room in ipairs(rooms) do
              local rk = roomKey[room]
              redis.call('SREM', rk, id)
              if redis.call('SCARD', rk) == 0 and redis.call('SREM', KEYS[2], room) == 1 then table.insert(deleted, room) end
            end
            redis.call('DEL', ckey, akey)
            redis.call('SREM', KEYS[1], id)
            if #rooms > 0 then
              table.insert(removed, id)
              table.insert(removed, #rooms)
              for _, room in ipairs(rooms) do table.insert(removed, room) end
            end
          else
            table.insert(retry, id)
          end
        end
        redis.call('DEL', KEYS[3])
        return {removed, retry, deleted}
        """;

    /// <summary>
    /// Removes the global pointers of a dead server's swept connections (only those that still point to it) and its
    /// publication marker in the global slot.
    /// KEYS: [1] conns, [2] m:{serverId} (global slot). ARGV: [1] the pointer prefix of the server
    /// (<c>{length}:{serverId}</c>), [2 ..] connection ids. Returns the number of pointers removed.
    /// </summary>
    public const string ClearPointers = """
        local prefix = ARGV[1]
        local cleared = 0
        for i = 2, #ARGV do
          local v = redis.call('HGET', KEYS[1], ARGV[i])
          if v and string.sub(v, 1, #prefix) == prefix then cleared = cleared + redis.call('HDEL', KEYS[1], ARGV[i]) end
        end
        redis.call('DEL', KEYS[2])
        return cleared
        """;
}
