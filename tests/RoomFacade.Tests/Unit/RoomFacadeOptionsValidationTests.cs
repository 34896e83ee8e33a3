using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoomFacade.Testing;
using Xunit;
using RoomFacade.Internal;

namespace RoomFacade.Tests.Unit;

/// <summary>Options are validated when the host starts, with messages that name what is wrong.</summary>
public sealed class RoomFacadeOptionsValidationTests
{
    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR();
        configure(builder.Services);
        return builder.Build();
    }

    private static async Task<OptionsValidationException> AssertStartFailsAsync(IHost host)
    {
        using (host)
        {
            return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync()).DefaultTimeout();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65_537)]
    public async Task MaxRoomNameLength_out_of_range_fails_start_up_naming_the_property(int value)
    {
        var host = BuildHost(s => s.AddRoomFacade(o => o.MaxRoomNameLength = value).AddDefaultNamespace<DefaultTestHub>());

        var ex = await AssertStartFailsAsync(host);

        Assert.Contains("MaxRoomNameLength", ex.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65_536)]
    public async Task MaxRoomNameLength_at_the_bounds_starts(int value)
    {
        using var host = BuildHost(s => s.AddRoomFacade(o => o.MaxRoomNameLength = value).AddDefaultNamespace<DefaultTestHub>());

        await host.StartAsync().DefaultTimeout();
        var manager = (RoomManager)host.Services.GetRequiredService<IRoomManager>();
        await host.StopAsync().DefaultTimeout();

        Assert.Equal(value, manager.MaxRoomNameLength);
    }

    [Fact]
    public async Task MaxRoomNameLength_set_through_configure_options_is_validated_too()
    {
        var host = BuildHost(s =>
        {
            s.Configure<RoomFacadeOptions>(o => o.MaxRoomNameLength = 0);
            s.AddRoomFacade().AddDefaultNamespace<DefaultTestHub>();
        });

        var ex = await AssertStartFailsAsync(host);

        Assert.Contains("MaxRoomNameLength", ex.Message);
    }

    [Theory]
    [InlineData("/news", "/news")]
    [InlineData("news", "/news")]
    [InlineData("", "/")]
    public async Task Two_hubs_registered_under_one_namespace_fail_start_up(string first, string second)
    {
        var host = BuildHost(s => s.AddRoomFacade().AddNamespace<DefaultTestHub>(first).AddNamespace<NewsTestHub>(second));

        var ex = await AssertStartFailsAsync(host);

        Assert.Contains("registered more than once", ex.Message);
        Assert.Contains(nameof(DefaultTestHub), ex.Message);
        Assert.Contains(nameof(NewsTestHub), ex.Message);
    }

    [Fact]
    public async Task One_hub_registered_as_two_namespaces_fails_start_up()
    {
        var host = BuildHost(s => s.AddRoomFacade().AddDefaultNamespace<NewsTestHub>().AddNamespace<NewsTestHub>("/news"));

        var ex = await AssertStartFailsAsync(host);

        Assert.Contains(nameof(NewsTestHub), ex.Message);
        Assert.Contains("more than one namespace", ex.Message);
    }

    [Fact]
    public async Task Calling_AddRoomFacade_twice_keeps_one_set_of_services_and_both_namespaces()
    {
        using var host = BuildHost(s =>
        {
            s.AddRoomFacade().AddDefaultNamespace<DefaultTestHub>();
            s.AddRoomFacade().AddNamespace<NewsTestHub>("/news");
        });

        await host.StartAsync().DefaultTimeout();
        var manager = host.Services.GetRequiredService<IRoomManager>();
        await host.StopAsync().DefaultTimeout();

        Assert.Equal("", manager.Sockets.Name);
        Assert.Equal("/news", manager.Of("/news").Name);
        Assert.Single(host.Services.GetServices<IValidateOptions<RoomFacadeOptions>>());
    }
}
