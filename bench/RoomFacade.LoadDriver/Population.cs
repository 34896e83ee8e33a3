using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace RoomFacade.LoadDriver;

/// <summary>
/// N real SignalR clients of one hub (<c>facade</c> or <c>raw</c>): client i connects (WebSockets) to server i % S and
/// joins room i / (N / R), so every room has members on every server. Each client handles the broadcast event
/// <c>m(sender, sentAt)</c> by reporting it to the <see cref="Active"/> broadcast run.
/// </summary>
internal sealed class Population : IAsyncDisposable
{
    private Population(string hub, int clients, int rooms, string roomPrefix)
    {
        Hub = hub;
        RoomPrefix = roomPrefix;
        Connections = new HubConnection[clients];
        MembersPerRoom = (int)Math.Ceiling(clients / (double)rooms);
        Rooms = rooms;
    }

    public string Hub { get; }

    /// <summary>Room names are <c>{RoomPrefix}{n}</c>: two populations of one hub must not share rooms.</summary>
    public string RoomPrefix { get; }

    public HubConnection[] Connections { get; }

    public int MembersPerRoom { get; }

    public int Rooms { get; }

    public volatile BroadcastRun? Active;

    public string RoomOf(int client) => $"{RoomPrefix}{client / MembersPerRoom}";

    /// <summary>Connects and joins every client, <paramref name="concurrency"/> at a time, within <paramref name="timeout"/> overall.</summary>
    public static async Task<Population> ConnectAsync(string hub, IReadOnlyList<string> serverUrls, int clients, int rooms, int concurrency, TimeSpan timeout, string roomPrefix = "room-")
    {
        var population = new Population(hub, clients, rooms, roomPrefix);
        using var cts = new CancellationTokenSource(timeout);
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cts.Token }, async (i, ct) =>
        {
            var connection = new HubConnectionBuilder()
                .WithUrl($"{serverUrls[i % serverUrls.Count]}/{hub}", HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
                .Build();
            connection.On<int, long>("m", (sender, sentAt) => population.Active?.OnMessage(i, sender, sentAt));
            population.Connections[i] = connection;
            await connection.StartAsync(ct);
            await connection.InvokeAsync("Join", population.RoomOf(i), ct);
        });
        return population;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Parallel.ForEachAsync(Connections.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
        {
            try
            {
                await c.DisposeAsync().AsTask().WaitAsync(cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // Bounded clean-up: the process ends anyway.
            }
        });
    }
}
