using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Xunit;

namespace RoomFacade.Packaging.Tests;

/// <summary>
/// Packs RoomFacade, RoomFacade.Redis and RoomFacade.SocketIO, installs them from a local folder feed into a throwaway web application and
/// runs it: the packages, not the project references, must work.
/// </summary>
public sealed class PackageInstallTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);
    private readonly string _work = Directory.CreateTempSubdirectory("roomfacade-pack-").FullName;
    private readonly string _version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..6]}";

    [Fact]
    public async Task Packed_packages_install_from_a_local_feed_and_work()
    {
        var repo = RepoPaths.Root;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var feed = Path.Combine(_work, "feed");
        // The documented command: the package solution filter packs the shipped projects and nothing else.
        await RunAsync(repo, "dotnet", "pack", Path.Combine(repo, "RoomFacade.Packages.slnf"), "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={_version}", "-nologo");
        Assert.Equal(
            [$"RoomFacade.{_version}.nupkg", $"RoomFacade.Redis.{_version}.nupkg", $"RoomFacade.SocketIO.{_version}.nupkg"],
            Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        foreach (var id in new[] { "RoomFacade", "RoomFacade.Redis", "RoomFacade.SocketIO" })
        {
            var nupkg = Path.Combine(feed, $"{id}.{_version}.nupkg");
            Assert.True(File.Exists(nupkg), $"{nupkg} was not produced");
            using var zip = ZipFile.OpenRead(nupkg);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains($"lib/net10.0/{id}.dll", names);
            Assert.Contains($"lib/net10.0/{id}.xml", names);
            Assert.Contains("PACKAGE.md", names);
            using var reader = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open());
            var nuspec = await reader.ReadToEndAsync();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<readme>PACKAGE.md</readme>", nuspec);
            Assert.Contains("<repository type=\"git\"", nuspec);
            if (id == "RoomFacade.Redis")
            {
                // Released together, built against each other's exact API: an exact version, not NuGet's open range.
                Assert.Contains($"<dependency id=\"RoomFacade\" version=\"[{_version}]\"", nuspec);
            }
        }

        var app = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(app);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", "Program.cs.txt"), Path.Combine(app, "Program.cs"));
        var signalRClientVersion = ReadPackageVersion(repo, "Microsoft.AspNetCore.SignalR.Client");
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NoWarn>NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RoomFacade" Version="{_version}" />
                <PackageReference Include="RoomFacade.Redis" Version="{_version}" />
                <PackageReference Include="RoomFacade.SocketIO" Version="{_version}" />
                <PackageReference Include="Microsoft.AspNetCore.SignalR.Client" Version="{signalRClientVersion}" />
              </ItemGroup>
            </Project>
            """);

        // Isolate the consumer from the repository's Directory.*.props and add the local feed to the usual sources.
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="roomfacade-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        var output = await RunAsync(app, "dotnet", "run", "-c", "Release", "-nologo");
        Assert.Contains("PACKAGES OK", output);
    }

    public void Dispose()
    {
        TryDelete(_work);

        // The global packages folder now holds this run's unique test version: remove it.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(packages, "roomfacade", _version));
        TryDelete(Path.Combine(packages, "roomfacade.redis", _version));
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private static string ReadPackageVersion(string repo, string id)
    {
        var props = File.ReadAllText(Path.Combine(repo, "Directory.Packages.props"));
        var marker = $"Include=\"{id}\" Version=\"";
        var start = props.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return props[start..props.IndexOf('"', start)];
    }


    private static async Task<string> RunAsync(string workingDirectory, string fileName, params string[] args)
    {
        var psi = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', args)}' did not finish within {CommandTimeout}: {output}");
        }

        var text = output.ToString();
        Assert.True(process.ExitCode == 0, $"'{fileName} {string.Join(' ', args)}' exited with {process.ExitCode}:\n{text}");
        return text;
    }
}
