using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace RxKafka.IntegrationTests.Support;

/// <summary>
/// Runs one explicit test of this assembly in a child process with extra environment variables, and
/// reports how it ended. For native libraries that read their settings from the process environment
/// once (MIT Kerberos: <c>KRB5_CONFIG</c>, <c>KRB5CCNAME</c>, ...): a running .NET process cannot change
/// its native environment (<see cref="Environment.SetEnvironmentVariable(string, string)"/> only changes
/// .NET's copy), so the test that needs them runs in a process started with them.
/// </summary>
internal static class ChildTestRun
{
    /// <summary>Set in the child, so the explicit worker tests know they were started by <see cref="Run"/>.</summary>
    public const string ChildVariable = "RXKAFKA_CHILD_TEST";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Whether this process is a child started by <see cref="Run"/>.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>
    /// Runs <paramref name="testClass"/>.<paramref name="testMethod"/> (an explicit test: <c>[Fact(Explicit = true)]</c>) in a child
    /// process of this test assembly with <paramref name="environment"/> added, and returns its result.
    /// </summary>
    /// <param name="testClass">The class that holds the test.</param>
    /// <param name="testMethod">The test method's name (use <c>nameof</c>).</param>
    /// <param name="environment">Variables to set in the child.</param>
    /// <param name="workDirectory">Where the child's XML results go.</param>
    public static ChildTestResult Run(Type testClass, string testMethod, IReadOnlyDictionary<string, string> environment, string workDirectory)
    {
        var fullName = testClass.FullName + "." + testMethod;
        var results = Path.Combine(workDirectory, testMethod + ".xml");

        // The test assembly is an executable (xUnit v3): its app host sits next to it, else `dotnet exec` runs it.
        var assembly = typeof(ChildTestRun).Assembly.Location;
        var appHost = Path.Combine(Path.GetDirectoryName(assembly)!, Path.GetFileNameWithoutExtension(assembly));
        var start = File.Exists(appHost)
            ? new ProcessStartInfo(appHost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { "exec", assembly } };
        foreach (var argument in new[] { "-method", fullName, "-explicit", "only", "-noLogo", "-noColor", "-parallel", "none", "-xml", results })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment[ChildVariable] = "1";

        using var child = ChildProcess.Start(start);
        var exit = child.WaitForExit(Timeout);
        if (exit.TimedOut)
        {
            return new ChildTestResult(fullName, -1, "TimedOut", exit.Elapsed, exit.Output + $"\n(the child did not finish within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s and was killed)");
        }

        return new ChildTestResult(fullName, exit.ExitCode, ReadOutcome(results, fullName), exit.Elapsed, exit.Output);
    }

    // The result of the one test in the runner's XML: Pass, Fail, Skip or NotRun; "Missing" if it did not run.
    private static string ReadOutcome(string resultsFile, string fullName)
    {
        if (!File.Exists(resultsFile))
        {
            return "Missing (no results file)";
        }

        var tests = XDocument.Load(resultsFile).Descendants("test").ToList();
        if (tests.Count != 1)
        {
            return $"Missing ({tests.Count} tests ran, expected exactly {fullName})";
        }

        return (string?)tests[0].Attribute("result") ?? "Missing (no result attribute)";
    }
}

/// <summary>How a child test run ended.</summary>
/// <param name="Test">The test's full name.</param>
/// <param name="ExitCode">The child's exit code (-1 when it was killed).</param>
/// <param name="Outcome">The runner's result for the test: Pass, Fail, Skip, NotRun, or why there is none.</param>
/// <param name="Elapsed">Wall time of the child, start-up included.</param>
/// <param name="Output">Everything the child printed (the runner's report, with failure messages and stack traces).</param>
internal sealed record ChildTestResult(string Test, int ExitCode, string Outcome, TimeSpan Elapsed, string Output)
{
    public bool Passed => ExitCode == 0 && Outcome == "Pass";
}
