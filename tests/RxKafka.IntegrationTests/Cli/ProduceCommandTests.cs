using System.Text.RegularExpressions;
using RxKafka.IntegrationTests.Support;
using RxKafka.Protocol.Messages;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka produce</c> run as a user runs it, lines on its standard input (or in a file), records read back with raw Fetch requests.</summary>
public sealed partial class ProduceCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly (string Key, string? Value)[] CliHeaders = [("source", "cli"), ("note", "")];

    [Fact]
    public async Task Lines_from_standard_input_become_records_keyed_at_the_tab_with_the_headers_on_every_record()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("cli-lines", partitions: 3, replicationFactor: 3);
        const string input = "user-1\tlogged in\nuser-2\tpaid\n\nno key here\nuser-1\tlogged out\n\tan empty key\nuser-3\ta\ttab in the value\n";

        // '\t' as typed in a shell, a backslash and a t.
        var run = RxKafkaCli.RunWithInput(Deadline, input, "produce", "-b", cluster.BootstrapServers, "-t", "cli-lines", "--key-separator", "\\t", "-H", "source=cli", "-H", "note=");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Matches(@"^6 records delivered to cli-lines, 0 failed, in \d+\.\d\d s\r?\n$", run.StandardOutput);
        Assert.Equal("", run.StandardError);
        var records = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "cli-lines", TestContext.Current.CancellationToken);
        Assert.Equal(
            new (string?, string?)[] { (null, "no key here"), ("", "an empty key"), ("user-1", "logged in"), ("user-1", "logged out"), ("user-2", "paid"), ("user-3", "a\ttab in the value") },
            records.Select(r => (r.Key, r.Value)).OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Value, StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal(CliHeaders, r.Headers));
        // One key, one partition, in the order of the lines.
        var user1 = records.Where(r => r.Key == "user-1").OrderBy(r => r.Offset).ToList();
        Assert.Single(user1.Select(r => r.Partition).Distinct());
        Assert.Equal(["logged in", "logged out"], user1.Select(r => r.Value));
    }

    [Fact]
    public async Task When_the_broker_dies_mid_run_produce_stops_sending_and_counts_delivered_failed_and_not_sent()
    {
        // Issue 11: after the broker died, produce waited (lines left ÷ what buffer.memory holds) ×
        // delivery.timeout.ms: here about 3,000,000 × 30 bytes ÷ 2 MB × 4 s, some 3 minutes.
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-dies", partitions: 1, replicationFactor: 1);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, Enumerable.Range(0, 3_000_000).Select(i => $"line {i} of the input"), TestContext.Current.CancellationToken);
            using var child = RxKafkaCli.Start([
                "produce", "-b", cluster.BootstrapServers, "-t", "cli-dies", "--file", file,
                "--config", "buffer.memory=2000000", "--config", "request.timeout.ms=2000", "--config", "delivery.timeout.ms=4000"]);

            await TopicReader.WaitForFirstRecordAsync(cluster.BootstrapServers, "cli-dies", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            cluster.SetBrokerDown(1);
            var run = child.WaitForExit(TimeSpan.FromSeconds(60));

            Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}{(run.TimedOut ? " (killed after 60 s)" : "")}:\n{run.Output}");
            var counts = Regex.Match(run.StandardOutput, @"^([\d,]+) records? delivered to cli-dies, ([\d,]+) failed, ([\d,]+) not sent, in [\d.]+ s", RegexOptions.Multiline);
            Assert.True(counts.Success, run.Output);
            var (delivered, failed, notSent) = (Count(counts.Groups[1]), Count(counts.Groups[2]), Count(counts.Groups[3]));
            Assert.True(failed > 0 && notSent > 0, run.Output);
            Assert.Equal(3_000_000, delivered + failed + notSent);
            Assert.Contains("sending stopped at the first failed record", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long Count(Group group) => long.Parse(group.Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_file_with_CRLF_line_ends_and_non_ASCII_text_goes_in_as_UTF8_without_the_CR()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-file", partitions: 2, replicationFactor: 1);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "ключ::значение\r\nplain café\r\n\r\n", TestContext.Current.CancellationToken);

            var run = RxKafkaCli.Run(Deadline, "produce", "-b", cluster.BootstrapServers, "-t", "cli-file", "--file", file, "-K", "::", "--partition", "1");

            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
            Assert.StartsWith("2 records delivered to cli-file, 0 failed", run.StandardOutput, StringComparison.Ordinal);
            var records = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "cli-file", TestContext.Current.CancellationToken);
            Assert.Equal(
                new (int, long, string?, string?)[] { (1, 0, "ключ", "значение"), (1, 1, null, "plain café") },
                records.Select(r => (r.Partition, r.Offset, r.Key, r.Value)));
            Assert.All(records, r => Assert.Empty(r.Headers));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_b_the_records_go_to_an_embedded_cluster_and_the_output_says_where()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        var run = RxKafkaCli.RunWithInput(Deadline, "a\t1\nb\t2\nc\t3\na\t4\n", "produce", "-t", "orders", "-K", "\\t", "-H", "source=cli");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        Assert.Contains("On a 3-broker embedded cluster (librdkafka 2.15.1 mock cluster, in this process), topic orders with 3 partitions", output, StringComparison.Ordinal);
        var partitions = PartitionLine().Matches(output);
        Assert.NotEmpty(partitions);
        Assert.Equal(4, partitions.Sum(m => int.Parse(m.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(partitions.Count, partitions.Select(m => m.Groups["partition"].Value).Distinct().Count());
        Assert.Contains("4 records delivered to orders, 0 failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public void Records_the_broker_rejects_exit_with_1_and_print_the_first_errors_one_line_each()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-denied", partitions: 1, replicationFactor: 1);
        cluster.PushRequestErrors(ApiKey.Produce, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 10).ToArray());

        var run = RxKafkaCli.RunWithInput(Deadline, "one\ntwo\n", "produce", "-b", cluster.BootstrapServers, "-t", "cli-denied");

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.StartsWith("0 records delivered to cli-denied, 2 failed", run.StandardOutput, StringComparison.Ordinal);
        var errors = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("rxkafka: line 1: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("rxkafka: line 2: ", errors[1], StringComparison.Ordinal);
        Assert.All(errors, e => Assert.Contains("authoriz", e, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^orders-(?<partition>[0-2]): (?<count>\d+) records?, offsets? \d+(-\d+)?\r?$", RegexOptions.Multiline)]
    private static partial Regex PartitionLine();
}
