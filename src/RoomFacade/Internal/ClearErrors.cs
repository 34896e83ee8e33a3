using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RoomFacade.Internal;

/// <summary>
/// Marks the argument errors RoomFacade throws for bad input (room names, namespaces, connection ids), so that the
/// lifetime hub filter can show them to SignalR callers (as <c>HubException</c>) without exposing anyone else's errors.
/// </summary>
internal static class ClearErrors
{
    private const string Marker = "RoomFacade.ClearError";

    public static TException Mark<TException>(TException exception)
        where TException : Exception
    {
        exception.Data[Marker] = true;
        return exception;
    }

    /// <summary>Whether RoomFacade threw this error for the caller to see: its own exception types or a marked argument error.</summary>
    public static bool IsClear(Exception exception)
        => exception is UnknownConnectionException or RoomStoreException || exception.Data.Contains(Marker);

    public static void ThrowIfNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value is null)
        {
            throw Mark(new ArgumentNullException(paramName));
        }
    }
}
