// Hosts librdkafka's mock cluster (RxKafka.Testing.MockCluster) in a process of its own, so that a
// benchmark measures a client's CPU apart from the broker's.
//
//   RxKafka.BrokerHost [--build Redist2151|Debian202] [--brokers 3] [--partitions 6]
//                      [--replication-factor N] [--topic NAME]...
//
// Starts the cluster, creates each topic, prints one line "BOOTSTRAP host:port,..." on standard
// output and serves until standard input closes or the process gets SIGTERM / SIGINT. Every other
// line it prints goes to standard error. Exit codes: 0 after a clean stop, 2 for bad arguments,
// 1 when the cluster cannot start.
//
// The mock keeps only about 5 MiB per partition (older batches are dropped): fine for producing,
// but what was produced cannot all be read back.
using System.Globalization;
using System.Runtime.InteropServices;
using RxKafka.Testing.MockCluster;

var build = MockBuild.Redist2151;
var brokers = 3;
var partitions = 6;
int? replicationFactor = null;
var topics = new List<string>();

try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
        switch (args[i])
        {
            case "--build":
                build = Enum.Parse<MockBuild>(Value(), ignoreCase: true);
                break;
            case "--brokers":
                brokers = Number();
                break;
            case "--partitions":
                partitions = Number();
                break;
            case "--replication-factor":
                replicationFactor = Number();
                break;
            case "--topic":
                topics.Add(Value());
                break;
            default:
                throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }

    if (brokers < 1 || partitions < 1 || replicationFactor is < 1)
    {
        throw new ArgumentException("--brokers, --partitions and --replication-factor must be at least 1");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"RxKafka.BrokerHost: {e.Message}");
    Console.Error.WriteLine("usage: RxKafka.BrokerHost [--build Redist2151|Debian202] [--brokers 3] [--partitions 6] [--replication-factor N] [--topic NAME]...");
    return 2;
}

MockKafkaCluster cluster;
try
{
    cluster = MockKafkaCluster.Start(brokers, build);
    foreach (var topic in topics)
    {
        cluster.CreateTopic(topic, partitions, replicationFactor ?? Math.Min(3, brokers));
    }
}
catch (Exception e) when (e is DllNotFoundException or MockClusterException)
{
    Console.Error.WriteLine($"RxKafka.BrokerHost: {e.Message}");
    return 1;
}

using (cluster)
{
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // stop cleanly below instead of the runtime's default exit
        stop.TrySetResult();
    }

    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    var stdinClosed = Task.Run(async () =>
    {
        using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await input.ReadAsync(buffer) > 0)
        {
        }
    });

    Console.Error.WriteLine(
        $"RxKafka.BrokerHost: {cluster}; topics: {(topics.Count == 0 ? "(none: auto-created on use)" : string.Join(", ", topics))}, {partitions} partitions each");
    Console.Out.WriteLine("BOOTSTRAP " + cluster.BootstrapServers);
    Console.Out.Flush();
    await Task.WhenAny(stop.Task, stdinClosed);
}

return 0;
