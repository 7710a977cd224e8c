using RxKafka.Testing.MockCluster;

namespace RxKafka.Cli.Commands;

/// <summary>The cluster <c>demo</c>, <c>produce</c> and <c>bench produce</c> start in this process when no broker is given: librdkafka's mock cluster.</summary>
internal static class EmbeddedCluster
{
    /// <summary>Starts <paramref name="brokers"/> brokers of <paramref name="build"/>.</summary>
    /// <exception cref="MockLibraryMissingException">The build is not there (the default comes with the tool, from librdkafka.redist).</exception>
    public static MockKafkaCluster Start(int brokers, MockBuild build = MockBuild.Redist2151)
    {
        if (!File.Exists(MockLibraries.LibraryPath(build)))
        {
            throw new MockLibraryMissingException(build);
        }

        return MockKafkaCluster.Start(brokers, build);
    }

    /// <summary>
    /// Without <c>bootstrap.servers</c> in <paramref name="config"/>: starts <paramref name="brokers"/>
    /// brokers with <paramref name="topic"/> made with <paramref name="partitions"/> partitions, and
    /// points the config at them. With it: nothing, and null.
    /// </summary>
    public static MockKafkaCluster? StartUnlessGiven(Dictionary<string, string> config, int brokers, string topic, int partitions)
    {
        if (config.ContainsKey("bootstrap.servers"))
        {
            return null;
        }

        var cluster = Start(brokers);
        try
        {
            cluster.CreateTopic(topic, partitions, Math.Min(3, brokers));
            config["bootstrap.servers"] = cluster.BootstrapServers;
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>"a 3-broker embedded cluster (librdkafka 2.15.1 mock cluster, in this process)".</summary>
    public static string Describe(MockKafkaCluster cluster) =>
        $"a {cluster.BrokerCount}-broker embedded cluster (librdkafka {cluster.Version} mock cluster, in this process)";
}
