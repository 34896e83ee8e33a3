namespace RoomFacade.Testing;

/// <summary>Paths in the repository the tests run from.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding RoomFacade.sln, found by walking up from the test assembly's folder.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RoomFacade.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"RoomFacade.sln not found above {AppContext.BaseDirectory}");
    }
}
