using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace RoomFacade.Benchmarks;

/// <summary>
/// The facade's own cost on the emit hot path, with SignalR's delivery taken out: the hub lifetime manager is a no-op,
/// so what is timed is building the target and the call. <c>io.sockets.in(room).emit</c> through the facade against
/// <c>Clients.Group(room).SendAsync</c> on the hub context. The difference is what the facade adds per emit; the load
/// driver's per-message CPU cost puts it in proportion.
/// </summary>
[Config(typeof(QueryConfig))]
public class EmitBenchmarks
{
    private ServiceProvider? _services;
    private IRoomManager _rooms = null!;
    private IHubContext<EmitHub> _hub = null!;

    [GlobalSetup]
    public void SetUp()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR();
        services.AddSingleton<HubLifetimeManager<EmitHub>, NoDeliveryLifetimeManager>();
        services.AddRoomFacade().AddDefaultNamespace<EmitHub>();
        _services = services.BuildServiceProvider();
        _rooms = _services.GetRequiredService<IRoomManager>();
        _hub = _services.GetRequiredService<IHubContext<EmitHub>>();
    }

    [GlobalCleanup]
    public void CleanUp() => _services?.Dispose();

    /// <summary>Raw SignalR: <c>hubContext.Clients.Group("room-1").SendAsync("m", 1, 2L)</c>.</summary>
    [Benchmark(Baseline = true)]
    public Task RawGroupSend() => _hub.Clients.Group("room-1").SendAsync("m", 1, 2L);

    /// <summary>The facade: <c>rooms.Sockets.In("room-1").EmitAsync("m", 1, 2L)</c> (io.sockets.in(room).emit).</summary>
    [Benchmark]
    public Task FacadeEmit() => _rooms.Sockets.In("room-1").EmitAsync("m", 1, 2L);

    /// <summary>A hub the benchmark registers as the default namespace.</summary>
    public sealed class EmitHub : Hub;

    /// <summary>Takes every send and delivers nothing: only the caller's cost remains.</summary>
    private sealed class NoDeliveryLifetimeManager : HubLifetimeManager<EmitHub>
    {
        public override Task OnConnectedAsync(HubConnectionContext connection) => Task.CompletedTask;

        public override Task OnDisconnectedAsync(HubConnectionContext connection) => Task.CompletedTask;

        public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
