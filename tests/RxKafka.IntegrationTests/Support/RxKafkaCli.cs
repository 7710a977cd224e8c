using System.Diagnostics;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// The <c>rxkafka</c> command line as built beside this test assembly (same configuration), run as
/// <c>dotnet RxKafka.Cli.dll ...</c> in a child process, as a user runs it.
/// </summary>
internal static class RxKafkaCli
{
    /// <summary>The CLI's main assembly: src/RxKafka.Cli/bin/&lt;configuration&gt;/net10.0/RxKafka.Cli.dll.</summary>
    public static string AssemblyPath
    {
        get
        {
            // This assembly lives in tests/RxKafka.IntegrationTests/bin/<configuration>/<framework>/.
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = here.Name;
            var configuration = here.Parent!.Name;
            var root = here;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "RxKafka.sln")))
            {
                root = root.Parent;
            }

            Assert.True(root is not null, $"RxKafka.sln not found above {AppContext.BaseDirectory}");
            var path = Path.Combine(root!.FullName, "src", "RxKafka.Cli", "bin", configuration, framework, "RxKafka.Cli.dll");
            // Not a prerequisite to skip on: the project reference builds it with this assembly.
            Assert.True(File.Exists(path), $"the rxkafka CLI is not built at {path}: build RxKafka.sln (scripts/test.sh does)");
            return path;
        }
    }

    /// <summary>
    /// Starts <c>rxkafka <paramref name="arguments"/></c>, with <paramref name="environment"/> added to
    /// this process's, and <paramref name="standardInput"/> (UTF-8) as its whole standard input.
    /// </summary>
    public static ChildProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { AssemblyPath } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return ChildProcess.Start(start, standardInput);
    }

    /// <summary>Runs <c>rxkafka <paramref name="arguments"/></c> to its end, killing it after <paramref name="timeout"/>.</summary>
    public static ChildProcessExit Run(TimeSpan timeout, params string[] arguments)
    {
        using var child = Start(arguments);
        return child.WaitForExit(timeout);
    }

    /// <summary>Runs <c>rxkafka <paramref name="arguments"/></c> with <paramref name="standardInput"/> to its end, killing it after <paramref name="timeout"/>.</summary>
    public static ChildProcessExit RunWithInput(TimeSpan timeout, string standardInput, params string[] arguments)
    {
        using var child = Start(arguments, standardInput: standardInput);
        return child.WaitForExit(timeout);
    }
}
