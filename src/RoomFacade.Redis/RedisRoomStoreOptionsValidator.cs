using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RoomFacade.Redis;

/// <summary>Validates <see cref="RedisRoomStoreOptions"/> at start-up; each message names the property.</summary>
internal sealed class RedisRoomStoreOptionsValidator(IServiceProviderIsService isService) : IValidateOptions<RedisRoomStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisRoomStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration) && !isService.IsService(typeof(IConnectionMultiplexer)))
        {
            failures.Add("RedisRoomStoreOptions.Configuration must be set (for example \"127.0.0.1:6379\") when no IConnectionMultiplexer is registered.");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 64 || options.KeyPrefix.IndexOfAny(['{', '}']) >= 0)
        {
            failures.Add($"RedisRoomStoreOptions.KeyPrefix must be 1 to 64 characters without '{{' or '}}'; it is '{options.KeyPrefix}'.");
        }

        if (options.ServerTimeout < TimeSpan.FromSeconds(1) || options.ServerTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"RedisRoomStoreOptions.ServerTimeout must be between 1 second and 1 day; it is {options.ServerTimeout}.");
        }

        if (options.HeartbeatInterval is { } beat && (beat < TimeSpan.FromMilliseconds(100) || beat > options.ServerTimeout / 2))
        {
            failures.Add($"RedisRoomStoreOptions.HeartbeatInterval must be between 100 ms and half of ServerTimeout ({options.ServerTimeout / 2}); it is {beat}.");
        }

        if (options.SweepInterval is { } sweep && (sweep < TimeSpan.FromMilliseconds(100) || sweep > options.ServerTimeout))
        {
            failures.Add($"RedisRoomStoreOptions.SweepInterval must be between 100 ms and ServerTimeout ({options.ServerTimeout}); it is {sweep}.");
        }

        if (options.OperationTimeout < TimeSpan.FromMilliseconds(100) || options.OperationTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"RedisRoomStoreOptions.OperationTimeout must be between 100 ms and 5 minutes; it is {options.OperationTimeout}.");
        }

        if (options.ServerId is { } id && (id.Length == 0 || id.Length > 200))
        {
            failures.Add("RedisRoomStoreOptions.ServerId must be 1 to 200 characters when set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
