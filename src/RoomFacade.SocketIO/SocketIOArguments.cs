using System.Collections;

namespace RoomFacade.SocketIO;

/// <summary>
/// All the arguments of a Socket.IO event, whatever their number, or several ack arguments. As the only parameter of
/// a hub method it receives every argument of the event (objects as <see cref="IReadOnlyDictionary{TKey, TValue}"/>
/// of <see cref="string"/> to <see cref="object"/>, arrays as <see cref="IReadOnlyList{T}"/>, binary as
/// <see cref="byte"/>[], other values as <see cref="System.Text.Json.JsonElement"/>, number literals kept as sent).
/// Returned by a hub method, it acks with several arguments (Node's <c>ack(a, b)</c>); passed to <c>SendCoreAsync</c>
/// as the argument array, it sends them as they came.
/// </summary>
public sealed class SocketIOArguments : IReadOnlyList<object?>
{
    private readonly object?[] _items;

    /// <summary>Creates the argument list.</summary>
    /// <param name="items">The arguments, in order.</param>
    public SocketIOArguments(params object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items;
    }

    /// <summary>The number of arguments.</summary>
    public int Count => _items.Length;

    /// <summary>The argument at <paramref name="index"/>.</summary>
    /// <param name="index">The position, from 0.</param>
    public object? this[int index] => _items[index];

    /// <summary>A copy of the arguments as an array (for <c>SendCoreAsync</c>).</summary>
    public object?[] ToArray() => (object?[])_items.Clone();

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
