using System.CommandLine;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Cli.Parsing;
using RxKafka.Cli.Rendering;
using RxKafka.Client;
using RxKafka.Testing.MockCluster;
using Spectre.Console;

namespace RxKafka.Cli.Commands;

/// <summary>
/// <c>rxkafka demo</c>: starts librdkafka's mock cluster in this process, connects a
/// <see cref="KafkaClient"/> to it, prints the cluster, then plays <see cref="DemoScript"/> while
/// printing the client's change stream, and ends with a summary.
/// </summary>
internal static class DemoCommand
{
    /// <summary>How often the client refreshes metadata in a demo at its own pace (<c>metadata.max.age.ms</c>).</summary>
    private static readonly TimeSpan MetadataMaxAge = TimeSpan.FromSeconds(2);

    /// <summary>The shortest metadata max age when --duration compresses the script.</summary>
    private static readonly TimeSpan ShortestMetadataMaxAge = TimeSpan.FromMilliseconds(200);

    public static Command Create()
    {
        var duration = CommonOptions.Duration($"How long to run, e.g. 20s or 2m (default: until the script ends, about {Durations.Format(DemoScript.Length)}); shorter compresses the script");
        var brokers = new Option<int>("--brokers")
        {
            Description = "How many brokers the embedded cluster has",
            DefaultValueFactory = _ => 3,
        };
        brokers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 9)
            {
                result.AddError("--brokers must be from 1 to 9");
            }
        });
        var build = new Option<string>("--build")
        {
            Description = "Which librdkafka mock cluster hosts the brokers: redist (2.15.1, from the librdkafka.redist package that comes with rxkafka) or debian (2.0.2, Debian's librdkafka1)",
            DefaultValueFactory = _ => "redist",
        }.AcceptOnlyFromAmong("redist", "debian");

        var command = new Command("demo", "Start an embedded Kafka cluster, connect a client, and watch its metadata change while a script moves leaders, stops a broker, creates a topic and moves a coordinator; then produce a few records and read them back")
        {
            duration, brokers, build,
        };
        command.SetAction(Program.Guard((result, ct) => RunAsync(
            result.GetValue(duration),
            result.GetValue(brokers),
            result.GetValue(build) == "debian" ? MockBuild.Debian202 : MockBuild.Redist2151,
            ConfigPairs.ToDictionary(result.GetValue(CommonOptions.Config) ?? []),
            ct)));
        return command;
    }

    private static async Task<int> RunAsync(TimeSpan? duration, int brokerCount, MockBuild build, Dictionary<string, string> userConfig, CancellationToken cancellationToken)
    {
        // Below the script's own length the script is compressed, and metadata refreshed as much faster.
        var pace = duration is { } d && d < DemoScript.Length ? d / DemoScript.Length : 1.0;
        var length = duration ?? DemoScript.Length;
        var maxAge = TimeSpan.FromTicks(Math.Max(ShortestMetadataMaxAge.Ticks, (long)(MetadataMaxAge.Ticks * pace)));

        var console = Terminal.CreateStandardOutput();
        using var cluster = EmbeddedCluster.Start(brokerCount, build);
        var replication = Math.Min(3, brokerCount);
        cluster.CreateTopic("orders", 6, replication);
        cluster.CreateTopic("payments", 3, replication);

        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client.id"] = "rxkafka-demo",
            ["metadata.max.age.ms"] = ((long)maxAge.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in userConfig)
        {
            config[key] = value;
        }

        config["bootstrap.servers"] = cluster.BootstrapServers;
        await using var client = await KafkaClient.ConnectAsync(KafkaClientOptions.FromConfig(config), cancellationToken);
        var scheduler = client.Options.Scheduler;
        using var connections = ClientConnection.KeepConnectedToEveryBroker(client);

        console.MarkupLine($"[bold]RxKafka demo[/]: a {brokerCount}-broker Kafka cluster in this process (librdkafka {Markup.Escape(cluster.Version)} mock cluster), watched by a KafkaClient");
        console.MarkupLine($"[grey]bootstrap.servers[/] {Markup.Escape(cluster.BootstrapServers)}  [grey]metadata.max.age.ms[/] {client.Options.MetadataMaxAge.TotalMilliseconds:0}  [grey]running for[/] {Durations.Format(length)}");
        ClusterTables.Write(console, client.Snapshot, client.BrokerVersion);
        console.WriteLine();
        console.MarkupLine("[bold]Changes as the client sees them[/] [grey](script lines: what the demo does to the cluster; Ctrl+C stops)[/]");

        var log = new ChangeLog(console);
        var tally = new Tally();
        var start = scheduler.Now;
        using (ClientConnection.LogChanges(client, log, tally))
        using (DemoScript.Play(DemoScript.Steps(cluster, client, log), start, pace, log, scheduler).Subscribe(_ => { }, e => log.Note(scheduler.Now, $"the script stopped: {e.Message}")))
        {
            try
            {
                await Observable.Timer(start + length, scheduler).ToTask(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                log.Note(scheduler.Now, "stopped (Ctrl+C)");
            }
        }

        var elapsed = scheduler.Now - start;
        tally.Write(console, $"Summary after {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        return ExitCodes.Ok;
    }
}
