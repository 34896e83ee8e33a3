using Xunit;

namespace RoomFacade.Redis.Tests.EndToEnd;

// The end-to-end, Socket.IO v4 surface and fault suites, each run on both backplanes the example offers:
// RoomFacade's own (its default) and SignalR's stock one (--RoomFacade:Redis:Backplane=SignalR).

/// <summary><see cref="ScaleOutEndToEndTests"/> on RoomFacade's backplane.</summary>
public sealed class ScaleOutEndToEndTestsOnRoomFacadeBackplane(RedisServerFixture redis) : ScaleOutEndToEndTests(redis, "RoomFacade"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="ScaleOutEndToEndTests"/> on SignalR's stock backplane.</summary>
public sealed class ScaleOutEndToEndTestsOnSignalRBackplane(RedisServerFixture redis) : ScaleOutEndToEndTests(redis, "SignalR"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="ScaleOutConcurrencyTests"/> on RoomFacade's backplane.</summary>
public sealed class ScaleOutConcurrencyTestsOnRoomFacadeBackplane(RedisServerFixture redis) : ScaleOutConcurrencyTests(redis, "RoomFacade"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="ScaleOutConcurrencyTests"/> on SignalR's stock backplane.</summary>
public sealed class ScaleOutConcurrencyTestsOnSignalRBackplane(RedisServerFixture redis) : ScaleOutConcurrencyTests(redis, "SignalR"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="SocketIoV4TwoServerTests"/> on RoomFacade's backplane.</summary>
public sealed class SocketIoV4TwoServerTestsOnRoomFacadeBackplane(RedisServerFixture redis) : SocketIoV4TwoServerTests(redis, "RoomFacade"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="SocketIoV4TwoServerTests"/> on SignalR's stock backplane.</summary>
public sealed class SocketIoV4TwoServerTestsOnSignalRBackplane(RedisServerFixture redis) : SocketIoV4TwoServerTests(redis, "SignalR"), IClassFixture<RedisServerFixture>;

/// <summary><see cref="FaultEndToEndTests"/> on RoomFacade's backplane.</summary>
public sealed class FaultEndToEndTestsOnRoomFacadeBackplane() : FaultEndToEndTests("RoomFacade");

/// <summary><see cref="FaultEndToEndTests"/> on SignalR's stock backplane.</summary>
public sealed class FaultEndToEndTestsOnSignalRBackplane() : FaultEndToEndTests("SignalR");
