using Microsoft.Extensions.Options;

namespace RoomFacade.Redis.Servers;

/// <summary>This server's id in the index: <see cref="RedisRoomStoreOptions.ServerId"/>, or a default made once.</summary>
internal sealed class ServerIdentity(IOptions<RedisRoomStoreOptions> options)
{
    public string Id { get; } = string.IsNullOrEmpty(options.Value.ServerId) ? DefaultId() : options.Value.ServerId;

    /// <summary>The prefix of this server's pointers in the global connection hash (<c>{length}:{id}</c>).</summary>
    public static string PointerPrefix(string serverId) => serverId.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + serverId;

    /// <summary>
    /// The machine name (at most 24 characters) and 48 random bits: short, because every connection's entry in the
    /// global connection hash carries it.
    /// </summary>
    private static string DefaultId()
    {
        var machine = Environment.MachineName;
        return (machine.Length <= 24 ? machine : machine[..24]) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    }
}
