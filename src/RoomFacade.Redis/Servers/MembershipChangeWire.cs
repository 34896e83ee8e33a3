using System.Globalization;
using RoomFacade.Stores;

namespace RoomFacade.Redis.Servers;

/// <summary>
/// <see cref="MembershipChange"/> on the server channel: explicit words, so the wire never depends on the enum's values.
/// </summary>
internal static class MembershipChangeWire
{
    public static string Encode(MembershipChange change) => change switch
    {
        MembershipChange.Changed => "changed",
        MembershipChange.Unchanged => "unchanged",
        MembershipChange.RoomCreated => "created",
        MembershipChange.RoomDeleted => "deleted",
        MembershipChange.UnknownConnection => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Not a membership change."),
    };

    public static MembershipChange Decode(string wire) => wire switch
    {
        "changed" => MembershipChange.Changed,
        "unchanged" => MembershipChange.Unchanged,
        "created" => MembershipChange.RoomCreated,
        "deleted" => MembershipChange.RoomDeleted,
        "unknown" => MembershipChange.UnknownConnection,
        _ => throw new RoomStoreException(string.Format(CultureInfo.InvariantCulture, "Another server answered with an unknown membership change '{0}' (are different RoomFacade.Redis versions sharing the key prefix?).", wire), null),
    };
}
