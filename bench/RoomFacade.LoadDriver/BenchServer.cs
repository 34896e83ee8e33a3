using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RoomFacade.Stores;
using StackExchange.Redis;

namespace RoomFacade.LoadDriver;

/// <summary>One in-process Kestrel server on a free 127.0.0.1 port with <see cref="FacadeHub"/> and <see cref="RawHub"/>.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public IRoomMembershipStore Store => App.Services.GetRequiredService<IRoomMembershipStore>();

    /// <summary>
    /// Starts a server. With <paramref name="redis"/>, SignalR's Redis backplane and the RoomFacade Redis index share
    /// that Redis under <paramref name="prefix"/> (as the ChatRooms example composes them); without, the in-memory index.
    /// </summary>
    public static async Task<BenchServer> StartAsync(int index, string? redis, string prefix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var signalR = builder.Services.AddSignalR();
        var rooms = builder.Services.AddRoomFacade().AddDefaultNamespace<FacadeHub>();
        if (redis is not null)
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
            rooms.AddRedisStore(redis, o =>
            {
                o.KeyPrefix = prefix;
                o.ServerId = $"{prefix}-server{index}";
            });
        }

        var app = builder.Build();
        app.MapHub<FacadeHub>("/facade");
        app.MapHub<RawHub>("/raw");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new BenchServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}
