using System.Text.RegularExpressions;
using Xunit;

namespace RoomFacade.Tests.Docs;

/// <summary>
/// Code blocks in the README and docs that are marked <c>&lt;!-- snippet: path --&gt;</c> must appear, line by line and in
/// order, in that file of the repository (which CI builds), so the docs cannot drift from working code.
/// </summary>
public sealed partial class DocSnippetTests
{
    public static TheoryData<string> Documents => new() { "README.md", "docs/porting.md" };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Marked_snippets_match_the_example_code(string document)
    {
        var repo = FindRepoRoot();
        var text = File.ReadAllText(Path.Combine(repo, document));
        var snippets = SnippetRegex().Matches(text);
        Assert.NotEmpty(snippets);
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

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RoomFacade.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RoomFacade.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<!-- snippet: (?<path>[^ ]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SnippetRegex();
}
