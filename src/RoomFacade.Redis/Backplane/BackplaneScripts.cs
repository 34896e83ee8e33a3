using RoomFacade.Redis.Connection;
using RoomFacade.Redis.Index;
using StackExchange.Redis;

namespace RoomFacade.Redis.Backplane;

/// <summary>
/// The backplane's route script: in one round trip, atomic with every join and leave (which are index scripts), it
/// finds the other servers that hold a target and publishes the message to each of them only, numbering it per
/// (sender → receiver). A target held only by the sender costs no PUBLISH.
/// </summary>
internal sealed class BackplaneScripts(RedisOperationRunner runner, RedisKeys keys, string serverId)
{
    /// <summary>
    /// KEYS: [1] servers (ZSET), [2] the sender's sequence hash, [3] conns (HASH), [4 ..] r:{room} of the target rooms.
    /// ARGV: [1] sender id, [2] channel prefix (<c>{prefix}:srv:</c>), [3] the namespace's server-set key prefix
    /// (<c>…:s:</c>), [4] mode ('a' every server; 'r' servers holding a member of a room in KEYS[4..]; 'c' servers
    /// holding the connections named in ARGV[8..]), [5] header, [6] body, [7] the namespace a connection pointer must
    /// carry, [8 ..] names looked up as connection pointers (mode 'c': the target connections; mode 'r': room names
    /// that are own-id rooms of connections). Returns the number of subscribers that received the message.
    /// </summary>
    /// <remarks>
    /// Server sets and channels are built inside the script from ARGV prefixes, and it reads global keys with the
    /// namespace's: standalone Redis only. On a cluster, <see cref="RouteSharded"/>. Redis ≥ 7 (SINTERCARD).
    /// </remarks>
    public const string Route = """
        local sender = ARGV[1]
        local mode = ARGV[4]
        local targets = {}
        local function pointer(name)
          local v = redis.call('HGET', KEYS[3], name)
          if not v then return end
          local colon = string.find(v, ':', 1, true)
          if not colon then return end
          local len = tonumber(string.sub(v, 1, colon - 1))
          if string.sub(v, colon + len + 1) == ARGV[7] then targets[string.sub(v, colon + 1, colon + len)] = true end
        end
        if mode == 'a' then
          for _, s in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do targets[s] = true end
        elseif mode == 'r' then
          for _, s in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            if s ~= sender then
              local held = ARGV[3] .. s
              for i = 4, #KEYS do
                if redis.call('SINTERCARD', 2, KEYS[i], held, 'LIMIT', 1) > 0 then targets[s] = true break end
              end
            end
          end
          for i = 8, #ARGV do pointer(ARGV[i]) end
        else
          for i = 8, #ARGV do pointer(ARGV[i]) end
        end
        targets[sender] = nil
        local received = 0
        for s, _ in pairs(targets) do
          local seq = redis.call('HINCRBY', KEYS[2], s, 1)
          received = received + redis.call('PUBLISH', ARGV[2] .. s, ARGV[5] .. seq .. ':' .. ARGV[6])
        end
        return received
        """;

    /// <summary>
    /// <see cref="Route"/> on a Redis Cluster: every key and channel it touches is under the namespace's hash tag (one
    /// slot, so the script runs on the node serving the namespace and keeps working when the slot moves). The servers
    /// come from the namespace's server list, sequences are per (sender → receiver) in the namespace, a connection is
    /// found in the namespace's server sets (no global pointer), and the message is SPUBLISHed to the receiver's sharded
    /// channel of the namespace.
    /// KEYS: [1] servers of the namespace (SET), [2] the sender's sequence hash in the namespace, [3 ..] r:{room} of the
    /// target rooms. ARGV: [1] sender id, [2] the namespace's channel prefix (<c>…:srv:</c>), [3] the namespace's
    /// server-set key prefix (<c>…:s:</c>), [4] mode, [5] header, [6] body, [7 ..] names looked up as connections.
    /// Returns the number of subscribers that received the message.
    /// </summary>
    public const string RouteSharded = """
        local sender = ARGV[1]
        local mode = ARGV[4]
        local servers = redis.call('SMEMBERS', KEYS[1])
        local targets = {}
        local function holder(name)
          for _, s in ipairs(servers) do
            if redis.call('SISMEMBER', ARGV[3] .. s, name) == 1 then targets[s] = true return end
          end
        end
        if mode == 'a' then
          for _, s in ipairs(servers) do targets[s] = true end
        elseif mode == 'r' then
          for _, s in ipairs(servers) do
            if s ~= sender then
              local held = ARGV[3] .. s
              for i = 3, #KEYS do
                if redis.call('SINTERCARD', 2, KEYS[i], held, 'LIMIT', 1) > 0 then targets[s] = true break end
              end
            end
          end
        end
        if mode ~= 'a' then
          for i = 7, #ARGV do holder(ARGV[i]) end
        end
        targets[sender] = nil
        local received = 0
        for s, _ in pairs(targets) do
          local seq = redis.call('HINCRBY', KEYS[2], s, 1)
          received = received + redis.call('SPUBLISH', ARGV[2] .. s, ARGV[5] .. seq .. ':' .. ARGV[6])
        end
        return received
        """;

    private readonly RedisKey _sequences = keys.BackplaneSequences(serverId);
    private readonly string _channelPrefix = keys.ServerChannelPrefix;

    /// <summary>Routes one message; the number of other servers' subscriptions that received it.</summary>
    public async Task<long> RouteAsync(string @namespace, bool sharded, char mode, IReadOnlyList<string> rooms, IReadOnlyList<string> pointerNames, byte[] header, byte[] body, CancellationToken cancellationToken)
    {
        var nsKeys = keys.For(@namespace);
        if (sharded)
        {
            return await RouteShardedAsync(nsKeys, mode, rooms, pointerNames, header, body, cancellationToken).ConfigureAwait(false);
        }

        var redisKeys = new RedisKey[3 + rooms.Count];
        redisKeys[0] = keys.Servers;
        redisKeys[1] = _sequences;
        redisKeys[2] = keys.Conns;
        for (var i = 0; i < rooms.Count; i++)
        {
            redisKeys[3 + i] = nsKeys.Room(rooms[i]);
        }

        var args = new RedisValue[7 + pointerNames.Count];
        args[0] = serverId;
        args[1] = _channelPrefix;
        args[2] = (string)nsKeys.Server(string.Empty)!;
        args[3] = mode.ToString();
        args[4] = header;
        args[5] = body;
        args[6] = @namespace;
        for (var i = 0; i < pointerNames.Count; i++)
        {
            args[7 + i] = pointerNames[i];
        }

        var result = await runner.RunAsync("route a backplane message", (Keys: redisKeys, Args: args), static (db, s) => db.ScriptEvaluateAsync(Route, s.Keys, s.Args), cancellationToken).ConfigureAwait(false);
        return (long)result;
    }

    private async Task<long> RouteShardedAsync(RedisKeys.NamespaceKeys nsKeys, char mode, IReadOnlyList<string> rooms, IReadOnlyList<string> connectionNames, byte[] header, byte[] body, CancellationToken cancellationToken)
    {
        var redisKeys = new RedisKey[2 + rooms.Count];
        redisKeys[0] = nsKeys.Servers;
        redisKeys[1] = nsKeys.Sequences(serverId);
        for (var i = 0; i < rooms.Count; i++)
        {
            redisKeys[2 + i] = nsKeys.Room(rooms[i]);
        }

        var args = new RedisValue[6 + connectionNames.Count];
        args[0] = serverId;
        args[1] = nsKeys.ChannelPrefix;
        args[2] = (string)nsKeys.Server(string.Empty)!;
        args[3] = mode.ToString();
        args[4] = header;
        args[5] = body;
        for (var i = 0; i < connectionNames.Count; i++)
        {
            args[6 + i] = connectionNames[i];
        }

        var result = await runner.RunAsync("route a backplane message", (Keys: redisKeys, Args: args), static (db, s) => db.ScriptEvaluateAsync(RouteSharded, s.Keys, s.Args), cancellationToken).ConfigureAwait(false);
        return (long)result;
    }
}
