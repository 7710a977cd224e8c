using System.CommandLine;
using RxKafka.Cli.Rendering;

namespace RxKafka.Cli.Commands;

/// <summary><c>rxkafka metadata -b HOST:PORT</c>: one look at the cluster, as tables.</summary>
internal static class MetadataCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        var topics = CommonOptions.Topics("Only this topic (repeatable); one that does not exist is listed with its error");
        var command = new Command("metadata", "Print the cluster's brokers, topics and partitions (leader, epoch, replicas, ISR, offline replicas, errors) and the broker version")
        {
            bootstrap, topics,
        };
        command.SetAction(Program.Guard((result, ct) => RunAsync(CommonOptions.ClientConfig(result, bootstrap), result.GetValue(topics) ?? [], ct)));
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> config, string[] topics, CancellationToken cancellationToken)
    {
        await using var client = await ClientConnection.ConnectAsync(config, topics, cancellationToken);
        var console = Terminal.CreateStandardOutput();
        ClusterTables.Write(console, client.Snapshot, client.BrokerVersion, topics.Length > 0 ? topics.ToHashSet(StringComparer.Ordinal) : null);
        return ExitCodes.Ok;
    }
}
