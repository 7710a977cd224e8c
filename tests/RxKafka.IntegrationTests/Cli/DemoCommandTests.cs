using System.Text.RegularExpressions;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka demo</c>, the README's main job, run as a user runs it: the built CLI in a child process.</summary>
public sealed partial class DemoCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public void A_20_second_demo_shows_a_leader_move_a_broker_leaving_and_coming_back_and_a_summary()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        var run = RxKafkaCli.Run(Deadline, "demo", "--duration", "20s");

        TestContext.Current.SendDiagnosticMessage($"rxkafka demo --duration 20s: exit {run.ExitCode} after {run.Elapsed.TotalSeconds:0.0} s");
        Assert.False(run.TimedOut, $"the demo did not end within {Deadline.TotalSeconds} s:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        Assert.Matches(LeaderMoved(), output);
        var removed = BrokerRemoved().Match(output);
        Assert.True(removed.Success, $"no BrokerRemoved line:\n{output}");
        var broker = removed.Groups["broker"].Value;
        // The same broker comes back, after it went.
        var added = new Regex($@"BrokerAdded\s+broker {broker} \(").Match(output, removed.Index);
        Assert.True(added.Success, $"broker {broker} was removed but not added again:\n{output}");
        Assert.Contains("TopicAdded", output, StringComparison.Ordinal);
        Assert.Contains("CoordinatorChanged", output, StringComparison.Ordinal);
        // The produce → consume scene: each record printed as the consumer hands it over.
        Assert.Equal(3, Regex.Matches(output, @"consumed payments-\d@\d+: payment-\d = \d+\.00 EUR").Count);
        Assert.Matches(@"read back 3 of 3 records, \d+ ms after the first was sent", output);
        Assert.Contains("Summary after", output, StringComparison.Ordinal);
        Assert.Matches(@"Metadata updates: \d+ ok, 0 failed", output);
        // Standard output is a pipe here, as in CI: plain text.
        Assert.DoesNotContain('\u001b', output);
        // Standard error is left alone: librdkafka, hosting the brokers in the child, may log there.
    }

    [Fact]
    public void Without_the_set_up_cache_the_demo_runs_on_the_librdkafka_redist_build()
    {
        // What a user who installed only the .NET SDK has: no cache of scripts/setup.sh.
        var empty = Directory.CreateTempSubdirectory("rxkafka-no-cache-");
        try
        {
            using var child = RxKafkaCli.Start(["demo", "--duration", "3s"], new Dictionary<string, string> { [MockLibraries.CacheVariable] = empty.FullName });
            var run = child.WaitForExit(Deadline);

            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
            Assert.Contains("(librdkafka 2.15.1 mock cluster)", run.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Summary after", run.StandardOutput, StringComparison.Ordinal);
            Assert.Empty(empty.GetFileSystemInfos());
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"LeaderChanged\s+leader of \S+ moved \d+ -> \d+")]
    private static partial Regex LeaderMoved();

    [GeneratedRegex(@"BrokerRemoved\s+broker (?<broker>\d+) \(")]
    private static partial Regex BrokerRemoved();
}
