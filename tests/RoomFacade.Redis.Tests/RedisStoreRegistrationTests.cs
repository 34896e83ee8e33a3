using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoomFacade.Stores;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests;

/// <summary>DI composition and start-up validation of the Redis store, with a real host and a real Redis.</summary>
public sealed class RedisStoreRegistrationTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private sealed class PlainHub : Hub;

    private static WebApplication Build(Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        builder.Services.AddSignalR();
        configure(builder.Services);
        var app = builder.Build();
        app.MapHub<PlainHub>("/hub");
        return app;
    }

    [Fact]
    public async Task The_redis_store_replaces_the_in_memory_default_whatever_the_order()
    {
        await using var app = Build(s =>
        {
            s.AddRoomFacade().AddDefaultNamespace<PlainHub>().AddRedisStore(redis.Server.ConnectionString);
            s.AddRoomFacade(); // a second AddRoomFacade must not bring the in-memory store back
        });
        Assert.IsType<RedisRoomMembershipStore>(app.Services.GetRequiredService<IRoomMembershipStore>());
    }

    [Theory]
    [InlineData("ServerTimeout", "00:00:00.500")]
    [InlineData("HeartbeatInterval", "00:01:00")]
    [InlineData("OperationTimeout", "00:00:00")]
    [InlineData("KeyPrefix", "a{b}")]
    public async Task Invalid_options_fail_start_up_naming_the_property(string property, string value)
    {
        await using var app = Build(s => s.AddRoomFacade().AddDefaultNamespace<PlainHub>().AddRedisStore(redis.Server.ConnectionString, o =>
        {
            switch (property)
            {
                case "ServerTimeout": o.ServerTimeout = TimeSpan.Parse(value); break;
                case "HeartbeatInterval": o.HeartbeatInterval = TimeSpan.Parse(value); break;
                case "OperationTimeout": o.OperationTimeout = TimeSpan.Parse(value); break;
                default: o.KeyPrefix = value; break;
            }
        }));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().DefaultTimeout());
        Assert.Contains("RedisRoomStoreOptions." + property, ex.Message);
    }

    [Fact]
    public async Task Missing_configuration_without_a_multiplexer_fails_start_up()
    {
        await using var app = Build(s => s.AddRoomFacade().AddDefaultNamespace<PlainHub>().AddRedisStore(_ => { }));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().DefaultTimeout());
        Assert.Contains("RedisRoomStoreOptions.Configuration", ex.Message);
    }

    [Fact]
    public async Task The_applications_multiplexer_is_used_and_never_disposed()
    {
        await using var multiplexer = await redis.Server.ConnectAsync();
        var prefix = "reuse" + Guid.NewGuid().ToString("N")[..8];
        var app = Build(s =>
        {
            s.AddSingleton<IConnectionMultiplexer>(multiplexer);
            s.AddRoomFacade().AddDefaultNamespace<PlainHub>().AddRedisStore(o => o.KeyPrefix = prefix);
        });
        await app.StartAsync().DefaultTimeout();
        var store = app.Services.GetRequiredService<IRoomMembershipStore>();
        await store.AddConnectionAsync("", "c1").DefaultTimeout();
        Assert.Equal(["c1"], await store.GetMembersAsync("", "").DefaultTimeout());
        await app.StopAsync().DefaultTimeout();
        await app.DisposeAsync();

        Assert.True(multiplexer.IsConnected);
        Assert.True(await multiplexer.GetDatabase().PingAsync().DefaultTimeout() >= TimeSpan.Zero);

        // Graceful stop removed this server's connection and registration.
        Assert.False(await multiplexer.GetDatabase().KeyExistsAsync(prefix + ":{g}:servers").DefaultTimeout());
        Assert.Equal(0, await multiplexer.GetDatabase().HashLengthAsync(prefix + ":{g}:conns").DefaultTimeout());
    }
}
