using System.Text.RegularExpressions;
using Xunit;

namespace RoomFacade.Tests.Docs;

/// <summary>
/// Every C# block of the README, docs/ and the packages' PACKAGE.md files is marked <c>&lt;!-- snippet: path --&gt;</c> and
/// appears, line by line and in order, in that file of the repository (which CI builds: the example app, or
/// <see cref="DocSamples"/> for blocks of their own), so the docs cannot drift from working code.
/// </summary>
public sealed partial class DocSnippetTests
{
    public static TheoryData<string> Documents
    {
        get
        {
            var data = new TheoryData<string>();
            var files = new[] { "README.md" }
                .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)))
                .Concat(Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Where(d => File.Exists(Path.Combine(d, "PACKAGE.md"))).Select(d => "src/" + Path.GetFileName(d) + "/PACKAGE.md"));
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                data.Add(file);
            }

            return data;
        }
    }

    [Fact]
    public async Task The_single_server_sample_of_the_package_readme_starts_and_answers()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        DocSamples.SingleServer(builder);
        await using var app = builder.Build();
        var rooms = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IRoomManager>(app.Services);
        Assert.Empty(await rooms.GetRoomsAsync(string.Empty).DefaultTimeout());
        Assert.Empty(await rooms.GetRoomsAsync("/news").DefaultTimeout());
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_csharp_block_names_the_file_it_comes_from(string document)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, document));
        var blocks = CSharpBlockRegex().Matches(text).Count;
        var marked = SnippetRegex().Matches(text).Count;
        Assert.True(blocks == marked, $"{document}: {blocks - marked} C# block(s) lack a `<!-- snippet: path -->` line naming the compiled file they come from (tests/RoomFacade.Tests/Docs/DocSamples.cs for blocks of their own).");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Marked_snippets_match_the_example_code(string document)
    {
        var repo = RepoPaths.Root;
        var text = File.ReadAllText(Path.Combine(repo, document));
        var snippets = SnippetRegex().Matches(text);
        foreach (Match snippet in snippets)
        {
            var source = File.ReadAllLines(Path.Combine(repo, snippet.Groups["path"].Value)).Select(l => l.Trim()).ToArray();
            var position = 0;
            foreach (var line in snippet.Groups["code"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l != "..."))
            {
                var found = Array.IndexOf(source, line, position);
                Assert.True(found >= 0, $"{document}: the snippet line `{line}` is not in {snippet.Groups["path"].Value} (in order).");
                position = found + 1;
            }
        }
    }


    [GeneratedRegex(@"<!-- snippet: (?<path>[^ ]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SnippetRegex();

    [GeneratedRegex(@"^```csharp\s*$", RegexOptions.Multiline)]
    private static partial Regex CSharpBlockRegex();
}
