using RxKafka.IntegrationTests.Support;

namespace RxKafka.IntegrationTests.Cli;

/// <summary>What every failing rxkafka run must look like: one line on standard error, no stack trace, nothing on standard output.</summary>
internal static class CliAssert
{
    public static void OneErrorLine(ChildProcessExit run, string expected)
    {
        Assert.False(run.TimedOut, $"rxkafka did not end:\n{run.Output}");
        var lines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on standard error, got {lines.Length}:\n{run.Output}");
        Assert.StartsWith("rxkafka: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.StandardOutput);
    }
}
