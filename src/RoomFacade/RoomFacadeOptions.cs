namespace RoomFacade;

/// <summary>Options of the room facade, bound and validated at start-up.</summary>
public sealed class RoomFacadeOptions
{
    /// <summary>The default value of <see cref="MaxRoomNameLength"/>: 256 characters.</summary>
    public const int DefaultMaxRoomNameLength = 256;

    /// <summary>
    /// The longest room name accepted by join, leave, emit and queries, in UTF-16 characters
    /// (default <see cref="DefaultMaxRoomNameLength"/>, allowed 1 to 65,536). Longer names are refused with an
    /// <see cref="ArgumentException"/> and change nothing. The limit keeps index keys and group names bounded.
    /// </summary>
    public int MaxRoomNameLength { get; set; } = DefaultMaxRoomNameLength;

    internal List<NamespaceRegistration> Namespaces { get; } = [];
}
