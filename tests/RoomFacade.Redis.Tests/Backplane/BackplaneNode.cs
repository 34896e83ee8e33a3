using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoomFacade.Redis.Backplane;
using RoomFacade.Testing;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>A plain hub for the backplane tests (not a RoomFacade namespace).</summary>
public sealed class PlainHub : Hub
{
}

/// <summary>
/// One server with RoomFacade's Redis backplane, without a web host: the registration an application makes
/// (<c>AddSignalR()</c>, <c>AddRoomFacade().AddRedisStore(...).AddRedisBackplane()</c>), its hosted services started.
/// </summary>
internal sealed class BackplaneNode : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private BackplaneNode(ServiceProvider provider, IHostedService[] hosted)
    {
        _provider = provider;
        _hosted = hosted;
        Manager = provider.GetRequiredService<HubLifetimeManager<PlainHub>>();
        Router = provider.GetRequiredService<BackplaneRouter>();
        Store = provider.GetRequiredService<RedisRoomMembershipStore>();
    }

    /// <summary>The hidden index namespace of <see cref="PlainHub"/>.</summary>
    public static string PlainHubNamespace { get; } = RoomFacadeHubLifetimeManager<PlainHub>.PlainHubNamespacePrefix + typeof(PlainHub).FullName;

    public HubLifetimeManager<PlainHub> Manager { get; }

    public BackplaneRouter Router { get; }

    public RedisRoomMembershipStore Store { get; }

    public IServiceProvider Services => _provider;

    public string ServerId => Router.ServerId;

    /// <summary>
    /// Builds a server and starts its hosted services; with <paramref name="startHostedServices"/> false they are left
    /// unstarted, as a server whose first heartbeat (which subscribes its channel) has not run yet.
    /// </summary>
    public static async Task<BackplaneNode> StartAsync(string configuration, string prefix, Action<RedisBackplaneOptions>? configure = null, Action<IServiceCollection>? services = null, TimeSpan? operationTimeout = null, bool startHostedServices = true)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>(); // what a host provides (the facade's start-up check needs it)
        collection.AddSignalR();
        collection.AddRoomFacade().AddRedisStore(o =>
        {
            o.Configuration = configuration;
            o.KeyPrefix = prefix;
            o.OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(5);
        }).AddRedisBackplane(configure);
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        var hosted = startHostedServices ? provider.GetServices<IHostedService>().ToArray() : [];
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None).DefaultTimeout();
        }

        return new BackplaneNode(provider, hosted);
    }

    public async Task<TestConnection> ConnectAsync(string? userId = null, long pauseWriterThreshold = 64 * 1024, TestConnection? connection = null)
    {
        connection ??= new TestConnection(userId, pauseWriterThreshold: pauseWriterThreshold);
        await Manager.OnConnectedAsync(connection.Context).DefaultTimeout();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None).DefaultTimeout();
        }

        await _provider.DisposeAsync();
    }
}
