using System.Text.RegularExpressions;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka bench produce</c>, small runs: what it prints, and that every record is counted.</summary>
public sealed class BenchProduceCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public void On_the_embedded_cluster_20000_records_print_the_rate_and_the_CPU_per_record_including_the_brokers()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        var run = RxKafkaCli.Run(Deadline, "bench", "produce", "--records", "20000");

        TestContext.Current.SendDiagnosticMessage(run.StandardOutput);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        Assert.Contains("20,000 records of 100 bytes", output, StringComparison.Ordinal);
        Assert.Contains("on a 3-broker embedded cluster", output, StringComparison.Ordinal);
        Assert.Matches(@"20,000 records in \d+\.\d{3} s: 20,000 delivered, 0 failed", output);
        Assert.Matches(@"records/s\s+[\d,]+", output);
        Assert.Matches(@"MB/s\s+[\d,.]+", output);
        Assert.Matches(@"CPU µs/record\s+[\d,.]+\s+this process's CPU time / records, embedded brokers included", output);
        Assert.Contains("give -b to measure the client alone", output, StringComparison.Ordinal);
        Assert.Equal("", run.StandardError);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public async Task When_the_broker_dies_mid_run_it_stops_sending_counts_delivered_failed_and_not_sent_and_prints_no_rate()
    {
        // Issue 11: the progress line counted failed records as delivered, a failed run printed records/s,
        // and the run took (records left ÷ what buffer.memory holds) × delivery.timeout.ms to give up:
        // here 20,000,000 × 100 bytes ÷ 2 MB × 4 s, over an hour.
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-bench-dies", partitions: 2, replicationFactor: 1);
        using var child = RxKafkaCli.Start([
            "bench", "produce", "-b", cluster.BootstrapServers, "-t", "cli-bench-dies", "--records", "20_000_000", "--warmup", "0",
            "--config", "buffer.memory=2000000", "--config", "request.timeout.ms=2000", "--config", "delivery.timeout.ms=4000"]);

        await child.WaitForLineAsync(line => Regex.IsMatch(line, @"^\s+[1-9][\d,]* of 20,000,000 records delivered"), TimeSpan.FromSeconds(30));
        cluster.SetBrokerDown(1);
        var run = child.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}{(run.TimedOut ? " (killed after 60 s)" : "")}:\n{run.Output}");
        var counts = Regex.Match(run.StandardOutput, @"20,000,000 records in [\d.]+ s: ([\d,]+) delivered, ([\d,]+) failed, ([\d,]+) not sent");
        Assert.True(counts.Success, run.Output);
        var (delivered, failed, notSent) = (Count(counts.Groups[1]), Count(counts.Groups[2]), Count(counts.Groups[3]));
        Assert.True(failed > 0 && notSent > 0, run.Output);
        Assert.Equal(20_000_000, delivered + failed + notSent);
        Assert.DoesNotContain("records/s", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no rate: the run failed", run.StandardOutput, StringComparison.Ordinal);
        // Progress never counts a failed record as delivered.
        var progress = Regex.Matches(run.StandardOutput, @"^\s+([\d,]+) of 20,000,000 records delivered \(\d+%\), ([\d,]+) failed", RegexOptions.Multiline);
        Assert.All(progress, p => Assert.True(Count(p.Groups[1]) <= delivered, $"progress {p.Value} above the {delivered:N0} delivered"));
        CliAssert.OneErrorLine(run with { StandardOutput = "" }, "not sent of 20,000,000 records");
    }

    private static long Count(Group group) => long.Parse(group.Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void With_linger_0_the_final_flush_completes()
    {
        // linger.ms=0 sends each new batch inside the Send that opens it: the producer once lost
        // batches answered before that Send returned, and its FlushAsync waited for ever.
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        var run = RxKafkaCli.Run(TimeSpan.FromSeconds(60), "bench", "produce", "--records", "100000", "--linger", "0", "--warmup", "5000");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}{(run.TimedOut ? " (killed: it did not end within 60 s)" : "")}:\n{run.Output}");
        Assert.Contains("100,000 delivered, 0 failed", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_b_it_writes_to_the_given_cluster_and_measures_the_client_alone()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-bench", partitions: 4, replicationFactor: 1);

        var run = RxKafkaCli.Run(Deadline, "bench", "produce", "-b", cluster.BootstrapServers, "-t", "cli-bench", "--records", "20_000", "--size", "50", "-z", "lz4", "--acks", "all", "--warmup", "0");

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        Assert.Contains("to cli-bench (4 partitions) on 1 broker(s) at " + cluster.BootstrapServers, output, StringComparison.Ordinal);
        Assert.Contains("acks=all compression.type=lz4", output, StringComparison.Ordinal);
        Assert.Contains("idempotence=on", output, StringComparison.Ordinal);
        Assert.Contains("20,000 delivered, 0 failed", output, StringComparison.Ordinal);
        Assert.Matches(@"CPU µs/record\s+[\d,.]+\s+this process's CPU time / records\r?\n", output);
        Assert.Contains("the CPU time is the client's alone", output, StringComparison.Ordinal);
        var records = await TopicReader.ReadAllAsync(cluster.BootstrapServers, "cli-bench", TestContext.Current.CancellationToken);
        Assert.Equal(20_000, records.Count);
        Assert.All(records, r => Assert.Equal((null, 50), (r.Key, r.ValueSize)));
    }

    [Fact]
    public void With_b_a_missing_topic_the_broker_cannot_create_is_one_line_saying_what_to_do()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);

        // librdkafka's mock cluster does not answer CreateTopics.
        var run = RxKafkaCli.Run(Deadline, "bench", "produce", "-b", cluster.BootstrapServers, "-t", "cli-missing", "--records", "10");

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        CliAssert.OneErrorLine(run, "topic 'cli-missing' does not exist and the broker cannot create it");
        Assert.Contains("create it first", run.StandardError, StringComparison.Ordinal);
    }
}
