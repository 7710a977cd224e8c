using System.CommandLine;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Cli.Parsing;
using RxKafka.Cli.Rendering;
using Spectre.Console;

namespace RxKafka.Cli.Commands;

/// <summary><c>rxkafka watch -b HOST:PORT</c>: the cluster, then every change to it, one line each, until Ctrl+C or --duration.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        var topics = CommonOptions.Topics("Only this topic's changes (repeatable); broker, controller and coordinator changes always show");
        var duration = CommonOptions.Duration("Stop after this long, e.g. 30s or 5m (default: until Ctrl+C)");
        var command = new Command("watch", "Print the cluster, then stream its changes (leaders, ISR, brokers, topics) as the client's metadata updates see them")
        {
            bootstrap, topics, duration,
        };
        command.SetAction(Program.Guard((result, ct) => RunAsync(CommonOptions.ClientConfig(result, bootstrap), result.GetValue(topics) ?? [], result.GetValue(duration), ct)));
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> config, string[] topics, TimeSpan? duration, CancellationToken cancellationToken)
    {
        await using var client = await ClientConnection.ConnectAsync(config, topics, cancellationToken);
        var scheduler = client.Options.Scheduler;
        var only = topics.Length > 0 ? topics.ToHashSet(StringComparer.Ordinal) : null;
        var console = Terminal.CreateStandardOutput();
        var log = new ChangeLog(console);
        var tally = new Tally();
        using var connections = ClientConnection.KeepConnectedToEveryBroker(client);
        using var changes = ClientConnection.LogChanges(client, log, tally, only);

        ClusterTables.Write(console, client.Snapshot, client.BrokerVersion, only);
        console.WriteLine();
        var until = duration is { } d ? $"for {Durations.Format(d)}" : "until Ctrl+C";
        console.MarkupLine($"[bold]Watching for changes[/] {until} [grey](metadata.max.age.ms {client.Options.MetadataMaxAge.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)})[/]");

        var start = scheduler.Now;
        var end = duration is { } length ? Observable.Timer(length, scheduler) : Observable.Never<long>();
        try
        {
            await end.ToTask(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a watch usually ends.
        }

        tally.Write(console, $"Watched for {(scheduler.Now - start).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        return ExitCodes.Ok;
    }
}
