using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Cli;

/// <summary><c>rxkafka watch -b</c> against a mock cluster the test changes while it watches.</summary>
public sealed class WatchCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_prints_a_leader_move_made_while_it_watches_from_its_periodic_metadata_update()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var cluster = MockKafkaCluster.Start(3, MockBuild.Redist2151);
        cluster.CreateTopic("cli-watched", partitions: 2, replicationFactor: 3);
        cluster.SetPartitionLeader("cli-watched", 0, brokerId: 1);

        // Nothing forces an update: the leader move is seen by the periodic one (metadata.max.age.ms).
        using var watch = RxKafkaCli.Start(["watch", "-b", cluster.BootstrapServers, "--duration", "5s", "--config", "metadata.max.age.ms=1000"]);
        await watch.WaitForLineAsync(line => line.StartsWith("Watching for changes", StringComparison.Ordinal), Deadline);
        cluster.SetPartitionLeader("cli-watched", 0, brokerId: 2);
        var run = watch.WaitForExit(Deadline);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.Matches(@"LeaderChanged\s+leader of cli-watched-0 moved 1 -> 2", run.StandardOutput);
        Assert.Contains("Watched for", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", run.StandardError);
    }
}
