using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using RoomFacade.Redis.Servers;
using RoomFacade.Testing;
using StackExchange.Redis;
using Xunit;

namespace RoomFacade.Redis.Tests.Backplane;

/// <summary>
/// State kept per other server (a receive queue and sequence in memory, sequence numbers in Redis) goes once that server
/// is gone, so a fleet whose servers come and go does not accumulate it. Standalone Redis only: the tests read the
/// standalone layout of the sequence numbers (<c>{g}:q:{serverId}</c>).
/// </summary>
public sealed class BackplaneCleanupTests(RedisServerFixture redis) : BackplaneTestBase(redis), IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_swept_servers_receive_queue_and_sequence_numbers_are_forgotten_everywhere()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = await NodeAsync(services: s => s.AddSingleton<TimeProvider>(time));
        var b = await NodeAsync();
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        await b.Manager.AddToGroupAsync(onB.Id, "g").DefaultTimeout();
        await a.Manager.SendGroupAsync("g", "FromA", ["1"]).DefaultTimeout();
        await AssertReceivesAsync(onB, "FromA", "1");
        await b.Manager.SendConnectionAsync(onA.Id, "FromB", ["1"]).DefaultTimeout();
        await AssertReceivesAsync(onA, "FromB", "1");

        var db = (await AdminAsync()).GetDatabase();
        RedisKey servers = Prefix + ":{g}:servers";
        RedisKey sequencesOfA = Prefix + ":{g}:q:" + a.ServerId;
        RedisKey sequencesOfB = Prefix + ":{g}:q:" + b.ServerId;
        Assert.Equal(1, a.Router.SenderCount);
        Assert.True(await db.HashExistsAsync(sequencesOfA, b.ServerId).DefaultTimeout());
        Assert.True(await db.KeyExistsAsync(sequencesOfB).DefaultTimeout());

        // b stops beating (as a crashed server does): its last beat is long past, a's sweep removes it.
        await db.SortedSetAddAsync(servers, b.ServerId, 0).DefaultTimeout();
        var maintenance = a.Services.GetServices<IHostedService>().OfType<RedisStoreMaintenanceService>().Single();
        await maintenance.SweepAsync(CancellationToken.None).DefaultTimeout();
        Assert.Null(await db.SortedSetScoreAsync(servers, b.ServerId).DefaultTimeout());
        Assert.False(await db.KeyExistsAsync(sequencesOfB).DefaultTimeout());
        Assert.False(await db.HashExistsAsync(sequencesOfA, b.ServerId).DefaultTimeout());

        // In memory the queue waits until b has been silent for ServerTimeout (a late message keeps its order).
        Assert.Equal(1, a.Router.SenderCount);
        time.Advance(TimeSpan.FromSeconds(30));
        await maintenance.SweepAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal(0, a.Router.SenderCount);

        // b was alive after all: its next message starts a new queue and is not counted as a gap. Its next number is
        // made far from the last one a saw (1), so a queue kept from before would count the numbers between as lost.
        Assert.Equal(0, a.Router.Gaps);
        await db.HashSetAsync(sequencesOfB, a.ServerId, 100).DefaultTimeout();
        await b.Manager.SendConnectionAsync(onA.Id, "FromB", ["2"]).DefaultTimeout();
        await AssertReceivesAsync(onA, "FromB", "2");
        Assert.Equal(101, (long)await db.HashGetAsync(sequencesOfB, a.ServerId).DefaultTimeout());
        Assert.Equal(1, a.Router.SenderCount);
        Assert.Equal(0, a.Router.Gaps);
    }

    [Fact]
    public async Task A_server_shutting_down_takes_its_sequence_numbers_out_of_redis()
    {
        var a = await NodeAsync();
        var onA = await a.ConnectAsync();
        RedisKey sequencesOfA = Prefix + ":{g}:q:" + a.ServerId;
        var db = (await AdminAsync()).GetDatabase();
        string leaving;
        await using (var b = await BackplaneNode.StartAsync(Redis.ConnectionString, Prefix))
        {
            leaving = b.ServerId;
            var onB = await b.ConnectAsync();
            await b.Manager.AddToGroupAsync(onB.Id, "g").DefaultTimeout();
            await a.Manager.SendGroupAsync("g", "FromA", ["1"]).DefaultTimeout();
            await AssertReceivesAsync(onB, "FromA", "1");
            await b.Manager.SendConnectionAsync(onA.Id, "FromB", ["1"]).DefaultTimeout();
            await AssertReceivesAsync(onA, "FromB", "1");
            Assert.True(await db.HashExistsAsync(sequencesOfA, leaving).DefaultTimeout());
            Assert.True(await db.KeyExistsAsync(Prefix + ":{g}:q:" + leaving).DefaultTimeout());
        }

        Assert.False(await db.KeyExistsAsync(Prefix + ":{g}:q:" + leaving).DefaultTimeout());
        Assert.False(await db.HashExistsAsync(sequencesOfA, leaving).DefaultTimeout());
    }
}
