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
    /// Server sets and channels are built inside the script from ARGV prefixes, so the script needs every key on one
    /// node: standalone Redis (a stated limit: no cluster yet). Redis ≥ 7 (SINTERCARD).
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

    private readonly RedisKey _sequences = keys.BackplaneSequences(serverId);
    private readonly string _channelPrefix = keys.ServerChannelPrefix;

    /// <summary>Routes one message; the number of other servers' subscriptions that received it.</summary>
    public async Task<long> RouteAsync(string @namespace, char mode, IReadOnlyList<string> rooms, IReadOnlyList<string> pointerNames, byte[] header, byte[] body, CancellationToken cancellationToken)
    {
        var nsKeys = keys.For(@namespace);
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
}
