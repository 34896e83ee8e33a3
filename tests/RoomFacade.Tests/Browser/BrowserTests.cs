using System.Diagnostics;
using ChatRooms;
using RoomFacade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace RoomFacade.Tests.Browser;

/// <summary>
/// The ChatRooms example driven in Debian's headless Chromium by <c>tests/browser/chat.spec.mjs</c> (playwright-core,
/// which launches <c>/usr/bin/chromium</c> and never downloads a browser): two chat pages join room "lobby" and talk,
/// and the rooms dashboard shows the room with both members. Screenshots go to <c>artifacts/browser/</c>.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(75); // the script bounds itself at 60 s
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Two_chat_pages_talk_in_a_room_and_the_dashboard_shows_the_room_live()
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: the browser test needs Debian's chromium. Install it with `apt-get install -y chromium` (eng/test.sh does this when it is missing).");

        var repo = RepoPaths.Root;
        var example = Path.Combine(repo, "examples", "ChatRooms");
        var webRoot = Path.Combine(example, "wwwroot");
        Assert.True(File.Exists(Path.Combine(webRoot, "lib", "signalr", "signalr.min.js")),
            $"{webRoot}/lib/signalr/signalr.min.js is missing: build examples/ChatRooms (its build installs the SignalR client with npm and copies it there).");
        var browserTests = Path.Combine(repo, "tests", "browser");
        var artifacts = Path.Combine(repo, "artifacts", "browser");
        Directory.CreateDirectory(artifacts);
        var chatShot = Path.Combine(artifacts, "chat-page2.png");
        var dashboardShot = Path.Combine(artifacts, "dashboard.png");
        foreach (var old in Directory.EnumerateFiles(artifacts, "*.png"))
        {
            File.Delete(old); // this run's screenshots only (the script adds failure-N.png when it fails)
        }

        await EnsurePlaywrightCoreAsync(browserTests, artifacts);

        // Serve the example's own wwwroot (the pages and lib/signalr) from its source folder.
        await using var server = await TestServer.StartAsync(args => ChatRoomsApp.Create(args), "--contentRoot", example, "--webroot", webRoot);
        output.WriteLine($"ChatRooms at {server.BaseUrl}, content root {example}");

        var (exitCode, log) = await RunAsync("node", ["chat.spec.mjs", server.BaseUrl, artifacts], browserTests, ScriptTimeout);
        output.WriteLine(log);
        Assert.True(exitCode == 0, $"node chat.spec.mjs {server.BaseUrl} {artifacts} exited with {exitCode}:\n{log}");

        AssertPng(chatShot);
        AssertPng(dashboardShot);
    }

    /// <summary>Installs tests/browser's pinned playwright-core (npm ci from its package-lock.json) when it is missing.</summary>
    private async Task EnsurePlaywrightCoreAsync(string browserTests, string artifacts)
    {
        var marker = Path.Combine(browserTests, "node_modules", "playwright-core", "package.json");
        if (File.Exists(marker))
        {
            return;
        }

        // Test runs sharing this work tree install once: the others wait on the lock, then find the package there.
        using var installLock = await LockFileAsync(Path.Combine(artifacts, ".npm-ci.lock"), NpmCiTimeout);
        if (File.Exists(marker))
        {
            return;
        }

        var (exitCode, log) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], browserTests, NpmCiTimeout);
        output.WriteLine(log);
        Assert.True(exitCode == 0 && File.Exists(marker), $"npm ci in {browserTests} failed (exit code {exitCode}):\n{log}");
    }

    private static async Task<FileStream> LockFileAsync(string path, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(200);
            }
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
        => ProcessRunner.RunAsync(program, arguments, workingDirectory, timeout, "The browser test needs Node.js and npm on PATH (`apt-get install -y nodejs npm`, which eng/test.sh does).");

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"screenshot {path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000, $"screenshot {path} is {bytes.Length} bytes: too small for a picture of a page");
        Assert.True(bytes.AsSpan(0, PngSignature.Length).SequenceEqual(PngSignature), $"screenshot {path} is not a PNG");
    }

}
