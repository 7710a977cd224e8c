using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RxKafka.Cli.Rendering;
using RxKafka.Client;
using RxKafka.Producer;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Serialization;
using Spectre.Console;

namespace RxKafka.Cli.Commands;

/// <summary><c>rxkafka bench produce</c>: how fast RxKafka's producer goes, and what it costs the process.</summary>
internal static class BenchCommand
{
    /// <summary>Brokers of the embedded cluster.</summary>
    public const int EmbeddedBrokers = 3;

    /// <summary>How many distinct values the records cycle through (so compression sees more than one value, as in the side-by-side benchmark).</summary>
    public const int DistinctValues = 1024;

    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        bootstrap.Description += $"; without it, a {EmbeddedBrokers}-broker cluster embedded in this process (whose CPU time then counts as this process's)";
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "The topic to write to; made with --partitions partitions if it does not exist",
            HelpName = "topic",
            DefaultValueFactory = _ => "rxkafka-bench",
        };
        var records = CommonOptions.WholeNumber(new Option<long>("--records", "-n") { Description = "How many records to send (measured)", HelpName = "N", DefaultValueFactory = _ => 1_000_000 }, min: 1);
        var size = CommonOptions.WholeNumber(new Option<int>("--size", "-s") { Description = "Bytes of each record's value (random; no key, no headers)", HelpName = "bytes", DefaultValueFactory = _ => 100 }, min: 0);
        var acks = new Option<string>("--acks")
        {
            Description = "acks: 0, 1 or all (idempotence is on only with all)",
            DefaultValueFactory = _ => "1",
        }.AcceptOnlyFromAmong("0", "1", "all", "-1");
        var compression = new Option<string>("--compression", "-z")
        {
            Description = "compression.type",
            DefaultValueFactory = _ => "none",
        }.AcceptOnlyFromAmong("none", "gzip", "snappy", "lz4", "zstd");
        var linger = CommonOptions.WholeNumber(new Option<int?>("--linger") { Description = "linger.ms (default: the producer's, 5)", HelpName = "ms" }, min: 0);
        var batchSize = CommonOptions.WholeNumber(new Option<int?>("--batch-size") { Description = "batch.size in bytes (default: the producer's, 16384)", HelpName = "bytes" }, min: 0);
        var partitions = CommonOptions.WholeNumber(new Option<int>("--partitions") { Description = "Partitions of the topic when it is made here", HelpName = "N", DefaultValueFactory = _ => 6 }, min: 1);
        var warmup = CommonOptions.WholeNumber(new Option<long>("--warmup") { Description = "Records sent and flushed before the measurement (connections, metadata, JIT), not counted", HelpName = "N", DefaultValueFactory = _ => 10_000 }, min: 0);
        var keepGoing = CommonOptions.KeepGoing();

        var produce = new Command(
            "produce",
            "Send N records fire-and-forget (Send without a callback, from one thread), then FlushAsync; print records/s, MB/s, "
            + "and the process's CPU time per record. Delivered and failed records are counted from the producer's RxKafka.Producer meter. "
            + "By default on an embedded cluster: librdkafka's mock cluster keeps only about 5 MiB per partition and drops older batches, "
            + "which does not matter to a producer benchmark (nothing reads them back), but its brokers run in this process and their CPU time "
            + "is counted with the client's; give -b to measure the client alone")
        {
            bootstrap, topic, records, size, acks, compression, linger, batchSize, partitions, warmup, keepGoing,
        };
        produce.SetAction(Program.Guard((result, ct) =>
        {
            var config = CommonOptions.ClientConfig(result, bootstrap, required: false);

            // The options win over the same settings given with --config.
            config["acks"] = result.GetValue(acks)!;
            config["compression.type"] = result.GetValue(compression)!;
            if (result.GetValue(linger) is { } l)
            {
                config["linger.ms"] = l.ToString(CultureInfo.InvariantCulture);
            }

            if (result.GetValue(batchSize) is { } b)
            {
                config["batch.size"] = b.ToString(CultureInfo.InvariantCulture);
            }

            var settings = new BenchSettings(result.GetValue(topic)!, result.GetValue(records), result.GetValue(size), result.GetValue(partitions), result.GetValue(warmup), result.GetValue(keepGoing));
            return ProduceAsync(config, settings, ct);
        }));

        return new Command("bench", "Benchmarks of RxKafka against a cluster: bench produce, bench consume") { produce, BenchConsumeCommand.Create() };
    }

    private static async Task<int> ProduceAsync(Dictionary<string, string> config, BenchSettings settings, CancellationToken cancellationToken)
    {
        var console = Terminal.CreateStandardOutput();
        var cluster = EmbeddedCluster.StartUnlessGiven(config, EmbeddedBrokers, settings.Topic, settings.Partitions);
        try
        {
            config.TryAdd("client.id", "rxkafka-bench");
            // The topic is made here with --partitions, not by the broker's auto-creation.
            config.TryAdd("allow.auto.create.topics", "false");
            var options = ProducerOptions.FromConfig(config);
            using var counter = new DeliveryCounter(options.Client.ClientId);
            await using var producer = new KafkaProducer<byte[]?, byte[]?>(options, Serializers.ByteArray, Serializers.ByteArray);
            await producer.Client.BootstrapAsync(cancellationToken);
            var topic = await EnsureTopicAsync(producer.Client, settings.Topic, settings.Partitions, cancellationToken);

            var where = cluster is null ? $"on {producer.Client.Snapshot.Brokers.Count} broker(s) at {config["bootstrap.servers"]}" : $"on {EmbeddedCluster.Describe(cluster)}";
            console.WriteLine(Invariant($"rxkafka bench produce: {settings.Records:N0} records of {settings.Size:N0} bytes (no key, {DistinctValues:N0} distinct random values in turn) to {settings.Topic} ({topic.Partitions.Length} partitions) {where}"));
            console.WriteLine(Invariant(
                $"acks={Acks(options.Acks)} compression.type={options.CompressionType.ToString().ToLowerInvariant()} linger.ms={options.Linger.TotalMilliseconds:0} batch.size={options.BatchSize} idempotence={(options.IsIdempotent ? "on" : "off")}; fire-and-forget Send without callbacks from one thread, then FlushAsync"));

            // Made before the clock starts: the measured loop allocates nothing of its own.
            var pool = Records(settings);
            if (settings.Warmup > 0)
            {
                console.WriteLine(Invariant($"warm-up: {settings.Warmup:N0} records (not measured)"));
                var warmedUp = await SendAllAsync(producer, pool, settings.Warmup, Stop(counter, counter.Failed, settings), cancellationToken);
                if (counter.Failed > 0)
                {
                    // Nothing measured would mean anything.
                    Console.Error.WriteLine(CliErrors.Line(Invariant($"the warm-up failed: {counter.Failed:N0} of {warmedUp:N0} records were not delivered; nothing measured")));
                    return ExitCodes.Failed;
                }
            }

            var (deliveredBefore, failedBefore) = (counter.Delivered, counter.Failed);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var run = SendAllAsync(producer, pool, settings.Records, Stop(counter, failedBefore, settings), cancellationToken);
            await RunProgress.ShowAsync(console, run, () => (counter.Delivered - deliveredBefore, counter.Failed - failedBefore), settings.Records);
            var sent = await run;
            var elapsed = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var delivered = counter.Delivered - deliveredBefore;
            var failed = counter.Failed - failedBefore;

            var notSent = settings.Records - sent;
            var unreported = sent - delivered - failed;
            var more = unreported > 0 ? Invariant($", {unreported:N0} unreported") : "";
            console.WriteLine(Invariant($"{settings.Records:N0} records in {elapsed.TotalSeconds:0.000} s: {delivered:N0} delivered, {failed:N0} failed, {notSent:N0} not sent{more}"));
            if (failed > 0 || notSent > 0 || unreported > 0)
            {
                // A rate over records that were not delivered would flatter a failed run; say what went.
                console.WriteLine(Invariant($"  no rate: the run failed ({delivered:N0} records delivered in {elapsed.TotalSeconds:0.000} s)"));
                var why = notSent > 0 ? "; sending stopped at the first failed record (--keep-going sends them all)" : "";
                Console.Error.WriteLine(CliErrors.Line(Invariant($"{delivered:N0} delivered, {failed:N0} failed, {notSent:N0} not sent of {settings.Records:N0} records{more}{why} (rxkafka produce shows the errors of individual records)")));
                return ExitCodes.Failed;
            }

            WriteFigures(console, settings.Records, (double)settings.Records * settings.Size, elapsed, cpu, allocated, embedded: cluster is not null);
            return ExitCodes.Ok;
        }
        finally
        {
            cluster?.Dispose();
        }
    }

    /// <summary>The figures of a measured interval, as bench produce and bench consume print them: records/s, MB/s, CPU µs and allocated bytes per record.</summary>
    internal static void WriteFigures(IAnsiConsole console, long records, double valueBytes, TimeSpan elapsed, TimeSpan cpu, long allocated, bool embedded)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var n = (double)records;
        console.WriteLine(Invariant($"  records/s       {n / seconds,12:N0}"));
        console.WriteLine(Invariant($"  MB/s            {valueBytes / seconds / 1e6,12:N1}  of record values (10^6 bytes)"));
        var brokers = embedded ? ", embedded brokers included" : "";
        console.WriteLine(Invariant($"  CPU µs/record   {cpu.TotalMicroseconds / n,12:N3}  this process's CPU time / records{brokers}"));
        console.WriteLine(Invariant($"  alloc B/record  {allocated / n,12:N1}  managed allocations / records"));
        console.WriteLine(embedded
            ? "The embedded brokers run in this process and their CPU time is counted: give -b to measure the client alone."
            : "The brokers run in other processes: the CPU time is the client's alone.");
    }

    /// <summary>
    /// Sends up to <paramref name="count"/> records from one dedicated thread (Send blocks it when
    /// buffer.memory is full), stopping early when <paramref name="stop"/> says so, then flushes what
    /// was sent. Returns how many were sent.
    /// </summary>
    private static async Task<long> SendAllAsync(KafkaProducer<byte[]?, byte[]?> producer, ProducerRecord<byte[]?, byte[]?>[] pool, long count, Func<bool> stop, CancellationToken cancellationToken)
    {
        var sent = await Task.Factory.StartNew(
            () =>
            {
                var i = 0L;
                for (; i < count; i++)
                {
                    if ((i & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    if (stop())
                    {
                        break;
                    }

                    producer.Send(pool[i % pool.Length]);
                }

                return i;
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await producer.FlushAsync(cancellationToken);
        return sent;
    }

    /// <summary>Whether to stop sending: a record failed since <paramref name="failedBefore"/>, unless --keep-going.</summary>
    private static Func<bool> Stop(DeliveryCounter counter, long failedBefore, BenchSettings settings) =>
        settings.KeepGoing ? static () => false : () => counter.Failed > failedBefore;

    /// <summary>The records to send, in turn: no key, random values made once (seeded: every run sends the same bytes).</summary>
    private static ProducerRecord<byte[]?, byte[]?>[] Records(BenchSettings settings)
    {
        var random = new Random(20240501);
        var pool = new ProducerRecord<byte[]?, byte[]?>[(int)Math.Min(DistinctValues, Math.Max(1, settings.Records))];
        for (var i = 0; i < pool.Length; i++)
        {
            var value = new byte[settings.Size];
            random.NextBytes(value);
            pool[i] = new ProducerRecord<byte[]?, byte[]?>(settings.Topic, null, value);
        }

        return pool;
    }

    /// <summary>The topic's metadata; made with --partitions (replication factor up to 3) when the cluster does not have it.</summary>
    internal static async Task<Cluster.TopicMetadata> EnsureTopicAsync(KafkaClient client, string name, int partitions, CancellationToken cancellationToken)
    {
        var settings = (Topic: name, Partitions: partitions);
        client.AddTopics(settings.Topic);
        var snapshot = await client.ForceMetadataUpdateAsync(cancellationToken);
        if (!snapshot.Topics.TryGetValue(settings.Topic, out var known) || known.Partitions.Length == 0)
        {
            var request = new CreateTopicsRequest { timeoutMs = 30_000 };
            request.Topics.Add(new CreateTopicsRequest.CreatableTopic
            {
                Name = settings.Topic,
                NumPartitions = settings.Partitions,
                ReplicationFactor = (short)Math.Clamp(snapshot.Brokers.Count, 1, 3),
            });
            CreateTopicsResponse response;
            try
            {
                response = await client.SendToControllerAsync(request, cancellationToken);
            }
            catch (UnsupportedVersionException e)
            {
                throw new KafkaException(ErrorCode.UnsupportedVersion, $"topic '{settings.Topic}' does not exist and the broker cannot create it ({e.Message}): create it first, or let the broker create it with --config allow.auto.create.topics=true", e);
            }

            foreach (var result in response.Topics)
            {
                var error = (ErrorCode)result.ErrorCode;
                if (error is not ErrorCode.None and not ErrorCode.TopicAlreadyExists)
                {
                    throw KafkaErrors.ToException(error, $"creating topic '{settings.Topic}' with {settings.Partitions} partitions" + (string.IsNullOrEmpty(result.ErrorMessage) ? "" : $": {result.ErrorMessage}"));
                }
            }
        }

        return await client.WaitForTopicAsync(settings.Topic, cancellationToken);
    }

    private static string Acks(Acks acks) => acks switch
    {
        RxKafka.Producer.Acks.All => "all",
        RxKafka.Producer.Acks.Leader => "1",
        _ => "0",
    };

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record BenchSettings(string Topic, long Records, int Size, int Partitions, long Warmup, bool KeepGoing);
}
