using System.Text.Json;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// Turns an incoming argument into plain values for <see cref="SocketIOArguments"/>: objects become dictionaries,
/// arrays lists, attachment placeholders their <c>byte[]</c>, other values stay <see cref="JsonElement"/> (so number
/// literals are sent back exactly as received).
/// </summary>
internal static class PlainValues
{
    public static object? From(JsonElement value, IReadOnlyList<byte[]> attachments) => value.ValueKind switch
    {
        JsonValueKind.Object when IsPlaceholder(value, attachments, out var bytes) => bytes,
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value, attachments), StringComparer.Ordinal),
        JsonValueKind.Array => value.EnumerateArray().Select(e => From(e, attachments)).ToList(),
        _ => value.Clone(),
    };

    private static bool IsPlaceholder(JsonElement value, IReadOnlyList<byte[]> attachments, out byte[]? bytes)
    {
        bytes = null;
        if (value.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
            && value.TryGetProperty("num", out var num) && num.TryGetInt32(out var index) && index >= 0 && index < attachments.Count)
        {
            bytes = attachments[index];
            return true;
        }

        return false;
    }
}
