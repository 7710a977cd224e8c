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
