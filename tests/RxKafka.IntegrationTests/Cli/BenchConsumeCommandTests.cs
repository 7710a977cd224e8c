using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka bench consume</c>, small runs on the embedded cluster: it fills, reads twice through each face, and prints the figures.</summary>
public sealed class BenchConsumeCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("records")]
    [InlineData("batches")]
    [InlineData("observable")]
    public void Each_face_reads_every_record_after_a_warm_up_and_prints_rate_CPU_and_allocations_per_record(string face)
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        var run = RxKafkaCli.Run(Deadline, "bench", "consume", "--records", "20000", "--partitions", "4", "--face", face);

        TestContext.Current.SendDiagnosticMessage(run.StandardOutput);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        Assert.Contains("filling rxkafka-bench-consume: 20,000 records of 100 bytes", output, StringComparison.Ordinal);
        Assert.Contains($"20,000 records of rxkafka-bench-consume (4 partitions) on a 3-broker embedded cluster", output, StringComparison.Ordinal);
        Assert.Contains($"through the {face} face", output, StringComparison.Ordinal);
        Assert.Contains("warm-up: 20,000 records from the beginning (not measured)", output, StringComparison.Ordinal);
        Assert.Matches(@"20,000 records \(2,000,000 value bytes\) in \d+\.\d{3} s", output);
        Assert.Matches(@"records/s\s+[\d,]+", output);
        Assert.Matches(@"CPU µs/record\s+[\d,.]+\s+this process's CPU time / records, embedded brokers included", output);
        Assert.Matches(@"alloc B/record\s+[\d,.]+", output);
        Assert.Equal("", run.StandardError);
    }

    [Fact]
    public void More_records_than_the_mock_keeps_is_one_error_saying_what_to_change()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);

        // 200,000 records of 100 bytes in one partition: some 22 MB, over the mock's ~5 MiB per partition.
        var run = RxKafkaCli.Run(Deadline, "bench", "consume", "--records", "200000", "--partitions", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("fewer than --records 200,000", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("give more --partitions or fewer --records", run.StandardError, StringComparison.Ordinal);
    }
}
