using Xunit;

namespace RoomFacade.Testing;

/// <summary>Assertions on collections whose order carries no meaning (room members, a connection's rooms).</summary>
public static class SetAssert
{
    /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/>, in any order (null counts as empty).</summary>
    public static void Equal(IEnumerable<string> expected, IEnumerable<string>? actual)
        => Assert.Equal(expected.Order(StringComparer.Ordinal).ToArray(), (actual ?? []).Order(StringComparer.Ordinal).ToArray());
}
