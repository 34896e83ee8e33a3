using Microsoft.Extensions.Options;

namespace RoomFacade.Internal;

/// <summary>Validates <see cref="RoomFacadeOptions"/> at start-up, naming the offending property.</summary>
internal sealed class RoomFacadeOptionsValidator : IValidateOptions<RoomFacadeOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomFacadeOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRoomNameLength is < 1 or > 65_536)
        {
            failures.Add($"RoomFacadeOptions.MaxRoomNameLength must be between 1 and 65536; it is {options.MaxRoomNameLength}.");
        }

        if (!Enum.IsDefined(options.OnDisconnectedRuns))
        {
            failures.Add($"RoomFacadeOptions.OnDisconnectedRuns must be WhileInRooms or AfterLeavingRooms; it is {(int)options.OnDisconnectedRuns}.");
        }

        foreach (var group in options.Namespaces.GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"RoomFacadeOptions: namespace '{group.Key}' is registered more than once ({string.Join(", ", group.Select(g => g.HubType.Name))}).");
        }

        foreach (var group in options.Namespaces.GroupBy(n => n.HubType).Where(g => g.Count() > 1))
        {
            failures.Add($"RoomFacadeOptions: hub type '{group.Key.Name}' is registered as more than one namespace ({string.Join(", ", group.Select(g => $"'{g.Name}'"))}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
