using Microsoft.Extensions.Options;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>Validates <see cref="SocketIOOptions"/> at start-up, naming the property at fault.</summary>
internal sealed class SocketIOOptionsValidator : IValidateOptions<SocketIOOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketIOOptions options)
    {
        List<string> errors = [];
        Positive(options.PingInterval, nameof(SocketIOOptions.PingInterval), errors);
        Positive(options.PingTimeout, nameof(SocketIOOptions.PingTimeout), errors);
        Positive(options.UpgradeTimeout, nameof(SocketIOOptions.UpgradeTimeout), errors);
        Positive(options.ConnectTimeout, nameof(SocketIOOptions.ConnectTimeout), errors);
        if (options.MaxPayload <= 0)
        {
            errors.Add($"SocketIOOptions.MaxPayload must be positive (was {options.MaxPayload}).");
        }

        if (options.MaxBufferedPackets is < 1 or > 10_000_000)
        {
            errors.Add($"SocketIOOptions.MaxBufferedPackets must be between 1 and 10,000,000 (was {options.MaxBufferedPackets}).");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (string.IsNullOrWhiteSpace(origin))
            {
                errors.Add("SocketIOOptions.AllowedOrigins contains an empty origin.");
            }
        }

        if (options.Cookie is { } cookie)
        {
            if (string.IsNullOrWhiteSpace(cookie.Name) || cookie.Name.Any(c => c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c)))
            {
                errors.Add($"SocketIOOptions.Cookie.Name must be a non-empty cookie name without spaces or separators (was '{cookie.Name}').");
            }

            if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/' || cookie.Path.Contains(';'))
            {
                errors.Add($"SocketIOOptions.Cookie.Path must start with '/' and hold no ';' (was '{cookie.Path}').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(TimeSpan value, string property, List<string> errors)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            errors.Add($"SocketIOOptions.{property} must be between 1 ms and {int.MaxValue} ms (was {value}).");
        }
    }
}
