using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Testing.EndToEnd;

/// <summary>A web application running on Kestrel on a free 127.0.0.1 port.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    /// <summary>For example <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => App.Services;

    public IRoomManager Rooms => Services.GetRequiredService<IRoomManager>();

    /// <summary>Builds the app with <paramref name="create"/> (given the Kestrel arguments) and starts it.</summary>
    public static async Task<TestServer> StartAsync(Func<string[], WebApplication> create, params string[] extraArgs)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", "--environment", "Testing", "--Logging:LogLevel:Default=Warning", .. extraArgs];
        var app = create(args);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().DefaultTimeout();
        await App.DisposeAsync().AsTask().DefaultTimeout();
    }
}
