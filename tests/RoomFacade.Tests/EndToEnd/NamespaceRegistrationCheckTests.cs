using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoomFacade.Testing;
using Xunit;
using RoomFacade.Internal;

namespace RoomFacade.Tests.EndToEnd;

/// <summary>A hub that uses the facade but whose registration was forgotten.</summary>
public sealed class ForgottenHub(IRoomManager rooms) : Hub
{
    public Task Join(string room) => rooms.Socket(this).JoinAsync(room);
}

/// <summary>A hub that does not use the facade at all.</summary>
public sealed class PlainHub : Hub;

public sealed class NamespaceRegistrationCheckTests
{
    [Fact]
    public async Task A_mapped_hub_that_uses_IRoomManager_without_being_registered_is_reported_at_start_up()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(args =>
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.Logging.AddProvider(logs);
            builder.Services.AddSignalR();
            builder.Services.AddRoomFacade().AddDefaultNamespace<ErrorsHub>();
            var app = builder.Build();
            app.MapHub<ErrorsHub>("/errors");
            app.MapHub<ForgottenHub>("/forgotten");
            app.MapHub<PlainHub>("/plain");
            return app;
        });

        var warning = Assert.Single(logs.Messages, m => m.Contains("not registered as a namespace", StringComparison.Ordinal));
        Assert.Contains(typeof(ForgottenHub).FullName!, warning);
        Assert.Contains("AddNamespace<ForgottenHub>", warning);
        var check = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<NamespaceRegistrationCheck>().Single();
        Assert.Equal([typeof(ForgottenHub)], check.Check());
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public string[] Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
                => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
