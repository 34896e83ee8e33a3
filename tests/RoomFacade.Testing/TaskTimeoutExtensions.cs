using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RoomFacade.Testing;

/// <summary>Bounds every await in the tests: a hung operation fails the test instead of hanging the run.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>The default bound for one awaited operation.</summary>
    public static TimeSpan DefaultTimeoutSpan { get; } = Debugger.IsAttached ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30);

    public static async Task DefaultTimeout(this Task task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string? expression = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeoutSpan}: {expression}");
        }
    }

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string? expression = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeoutSpan}: {expression}");
        }
    }

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null, [CallerArgumentExpression(nameof(task))] string? expression = null)
        => task.AsTask().DefaultTimeout(timeout, expression);

    /// <summary>Polls <paramref name="condition"/> until it holds or the bound passes (for state that converges, such as a sweep).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null, TimeSpan? pollInterval = null)
    {
        var bound = timeout ?? DefaultTimeoutSpan;
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (await condition().DefaultTimeout(bound))
            {
                return;
            }

            if (sw.Elapsed > bound)
            {
                throw new TimeoutException($"Condition not met within {bound}: {because}");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
