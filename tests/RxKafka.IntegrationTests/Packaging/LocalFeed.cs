using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using RxKafka.IntegrationTests.Support;

namespace RxKafka.IntegrationTests.Packaging;

/// <summary>
/// The three packages (RxKafka, RxKafka.Testing and the RxKafka.Cli tool), packed once from this
/// repository's sources into a temporary folder that serves as a NuGet feed. Their version is new for
/// each run (0.1.0-test.t&lt;random&gt;), so no NuGet cache can hold a stale copy; the build goes to a
/// temporary artifacts folder, so the outputs the other tests run (src/*/bin) are never touched.
/// Disposing it deletes the folder and the run's packages from the NuGet packages folder.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    /// <summary>The projects packed, as paths under the repository.</summary>
    public static readonly string[] Projects = ["src/RxKafka/RxKafka.csproj", "src/RxKafka.Testing/RxKafka.Testing.csproj", "src/RxKafka.Cli/RxKafka.Cli.csproj"];

    /// <summary>The package ids those projects pack to.</summary>
    public static readonly string[] PackageIds = ["RxKafka", "RxKafka.Testing", "RxKafka.Cli"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The version every package of this run has.</summary>
    public string Version { get; } = "0.1.0-test.t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The temporary folder everything of this run lives in.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("rxkafka-packaging-").FullName;

    /// <summary>The feed: the .nupkg and .snupkg files.</summary>
    public string FeedDirectory => Path.Combine(Root, "feed");

    /// <summary>How long packing the three took.</summary>
    public TimeSpan PackTime { get; private set; }

    /// <summary>The repository's root (the folder of RxKafka.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RxKafka.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException($"RxKafka.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The folder the running .NET host lives in (the <c>dotnet</c> muxer and its SDKs).</summary>
    public static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>The path of <paramref name="packageId"/>'s package in the feed.</summary>
    public string PackagePath(string packageId) => Path.Combine(FeedDirectory, $"{packageId}.{Version}.nupkg");

    public ValueTask InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        // One pack of a solution filter: one restore and one build graph for the three.
        var filter = Path.Combine(Root, "packages.slnf");
        File.WriteAllText(filter, JsonSerializer.Serialize(new
        {
            solution = new { path = Path.Combine(RepositoryRoot, "RxKafka.sln"), projects = Projects.Select(p => p.Replace('/', '\\')).ToArray() },
        }));
        var exit = Dotnet(RepositoryRoot, PackTimeout, null,
            "pack", filter, "-c", "Release", "-nologo", "-p:PackageOutputPath=" + FeedDirectory,
            "-p:MinVerVersionOverride=" + Version, "-p:ArtifactsPath=" + Path.Combine(Root, "artifacts"));
        Assert.True(exit.ExitCode == 0, $"dotnet pack failed ({exit.ExitCode}{(exit.TimedOut ? ", timed out" : "")}):\n{exit.Output}");

        PackTime = clock.Elapsed;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still in use: the temporary folder is the system's to clean.
        }

        foreach (var id in PackageIds)
        {
            var cached = Path.Combine(NuGetPackagesFolder, id.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>, killing it after <paramref name="timeout"/>.</summary>
    internal static ChildProcessExit Dotnet(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(DotnetRoot, "dotnet")) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Isolate(start, environment);
        using var child = ChildProcess.Start(start);
        return child.WaitForExit(timeout);
    }

    /// <summary>
    /// A child's environment: this process's, less what ties an MSBuild to the one that built the tests,
    /// plus <paramref name="environment"/>.
    /// </summary>
    internal static void Isolate(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_ROOT"] = DotnetRoot;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
    }

    private static string NuGetPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
