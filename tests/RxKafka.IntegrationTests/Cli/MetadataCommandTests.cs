using System.Text.RegularExpressions;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka metadata -b</c> against a mock cluster the test starts.</summary>
public sealed class MetadataCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Metadata_prints_the_brokers_and_each_partition_of_a_topic_with_its_leader()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("cli-orders", partitions: 4, replicationFactor: 3);
        cluster.SetPartitionLeader("cli-orders", 2, brokerId: 3);

        var run = RxKafkaCli.Run(Deadline, "metadata", "-b", cluster.BootstrapServers);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        var output = run.StandardOutput;
        for (var id = 1; id <= 3; id++)
        {
            Assert.Matches($@"\b{id}\W+127\.0\.0\.1:{cluster.GetBrokerListener(id).Port}\b", output);
        }

        Assert.Contains("cli-orders", output, StringComparison.Ordinal);
        for (var partition = 0; partition < 4; partition++)
        {
            // partition, leader, epoch, replicas, ISR in a table row (Unicode or ASCII borders).
            Assert.Matches(new Regex($@"^\W*(cli-orders\W+)?{partition}\W+[1-3]\W+\d+\W+1,2,3\W+1,2,3\b", RegexOptions.Multiline), output);
        }

        Assert.Matches(new Regex(@"^\W*(cli-orders\W+)?2\W+3\W+", RegexOptions.Multiline), output);
        Assert.Contains("broker version Kafka", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public void Metadata_for_named_topics_lists_a_missing_one_with_its_error_and_does_not_create_it()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        cluster.CreateTopic("cli-present", partitions: 2, replicationFactor: 1);
        cluster.CreateTopic("cli-other", partitions: 1, replicationFactor: 1);

        var run = RxKafkaCli.Run(Deadline, "metadata", "-b", cluster.BootstrapServers, "--topic", "cli-present", "--topic", "cli-missing");
        var again = RxKafkaCli.Run(Deadline, "metadata", "-b", cluster.BootstrapServers);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Contains("cli-present", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-other", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Topic cli-missing: UnknownTopicOrPartition", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-missing", again.StandardOutput, StringComparison.Ordinal);
    }
}
