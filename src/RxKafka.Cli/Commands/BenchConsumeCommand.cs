using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Serialization;
using Spectre.Console;
using static RxKafka.Cli.Commands.BenchCommand;

namespace RxKafka.Cli.Commands;

/// <summary>
/// <c>rxkafka bench consume</c>: fills a topic (per partition) unless it already holds the records, then reads
/// them from the beginning twice through one consumer face, a warm-up pass and a measured pass, and prints
/// records/s, MB/s, CPU µs per record and allocated bytes per record of the measured pass.
/// </summary>
internal static class BenchConsumeCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        bootstrap.Description += $"; without it, a {EmbeddedBrokers}-broker cluster embedded in this process (whose CPU time then counts as this process's)";
        var topic = new Option<string>("--topic", "-t") { Description = "The topic to read; made with --partitions partitions and filled if it holds fewer than --records", HelpName = "topic", DefaultValueFactory = _ => "rxkafka-bench-consume" };
        var records = CommonOptions.WholeNumber(new Option<long>("--records", "-n") { Description = "How many records each pass reads (the measured pass and the warm-up)", HelpName = "N", DefaultValueFactory = _ => 1_000_000 }, min: 1);
        var size = CommonOptions.WholeNumber(new Option<int>("--size", "-s") { Description = "Bytes of each record's value when the topic is filled here (random, no key)", HelpName = "bytes", DefaultValueFactory = _ => 100 }, min: 0);
        // 64: a million 100-byte records stay under the ~5 MiB librdkafka's mock cluster keeps per partition.
        var partitions = CommonOptions.WholeNumber(new Option<int>("--partitions") { Description = "Partitions of the topic when it is made here", HelpName = "N", DefaultValueFactory = _ => 64 }, min: 1);
        var face = new Option<string>("--face") { Description = "The consumer face read: records (ConsumeAsync), batches (ConsumeBatchesAsync) or observable (Consume())", DefaultValueFactory = _ => "records" }
            .AcceptOnlyFromAmong("records", "batches", "observable");
        var warmup = new Option<bool>("--no-warmup") { Description = "Skip the warm-up pass (connections, JIT) before the measured one" };

        var command = new Command(
            "consume",
            "Read N records from the beginning of a topic through one consumer face, a warm-up pass then a measured pass; print records/s, MB/s, "
            + "the process's CPU time per record and managed allocations per record. The topic is filled first (evenly, partition by partition) when it holds fewer than N records")
        {
            bootstrap, topic, records, size, partitions, face, warmup,
        };
        command.SetAction(Program.Guard((result, ct) =>
        {
            var config = CommonOptions.ClientConfig(result, bootstrap, required: false);
            var settings = new Settings(
                result.GetValue(topic)!,
                result.GetValue(records),
                result.GetValue(size),
                result.GetValue(partitions),
                Enum.Parse<ConsumeFace>(result.GetValue(face)!, ignoreCase: true),
                !result.GetValue(warmup));
            return RunAsync(config, settings, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> config, Settings settings, CancellationToken cancellationToken)
    {
        var console = Rendering.Terminal.CreateStandardOutput();
        var cluster = EmbeddedCluster.StartUnlessGiven(config, EmbeddedBrokers, settings.Topic, settings.Partitions);
        try
        {
            config.TryAdd("client.id", "rxkafka-bench-consume");
            config.TryAdd("allow.auto.create.topics", "false");
            config["auto.offset.reset"] = "earliest";
            var options = ConsumerOptions.FromConfig(config);
            await using var client = new KafkaClient(options.Client);
            await client.BootstrapAsync(cancellationToken);
            var metadata = await EnsureTopicAsync(client, settings.Topic, settings.Partitions, cancellationToken);
            var assigned = metadata.Partitions.Select(p => new TopicPartition(settings.Topic, p.Partition)).OrderBy(p => p.Partition).ToList();
            var held = await FillAsync(client, options, assigned, settings, console, cancellationToken);
            if (held < settings.Records)
            {
                throw new UsageException(Invariant(
                    $"topic '{settings.Topic}' holds {held:N0} records after filling, fewer than --records {settings.Records:N0} (librdkafka's mock cluster keeps about 5 MiB per partition and drops older batches): give more --partitions or fewer --records"));
            }

            var where = cluster is null ? $"on {client.Snapshot.Brokers.Count} broker(s) at {config["bootstrap.servers"]}" : $"on {EmbeddedCluster.Describe(cluster)}";
            console.WriteLine(Invariant($"rxkafka bench consume: {settings.Records:N0} records of {settings.Topic} ({assigned.Count} partitions) {where}, through the {settings.Face.ToString().ToLowerInvariant()} face"));
            console.WriteLine(Invariant(
                $"fetch.max.bytes={options.FetchMaxBytes} max.partition.fetch.bytes={options.MaxPartitionFetchBytes} fetch.max.wait.ms={options.FetchMaxWait.TotalMilliseconds:0} queued.max.messages.kbytes={options.PrefetchMaxBytes / 1024}"));
            if (settings.Warmup)
            {
                console.WriteLine(Invariant($"warm-up: {settings.Records:N0} records from the beginning (not measured)"));
                await PassAsync(client, options, assigned, settings, cancellationToken);
            }

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var (read, bytes) = await PassAsync(client, options, assigned, settings, cancellationToken);
            var elapsed = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            console.WriteLine(Invariant($"{read:N0} records ({bytes:N0} value bytes) in {elapsed.TotalSeconds:0.000} s"));
            WriteFigures(console, read, bytes, elapsed, cpu, allocated, embedded: cluster is not null);
            return ExitCodes.Ok;
        }
        finally
        {
            cluster?.Dispose();
        }
    }

    /// <summary>One pass from the beginning, with a consumer of its own on the shared (warm) client.</summary>
    private static async Task<(long Records, long Bytes)> PassAsync(KafkaClient client, ConsumerOptions options, List<TopicPartition> partitions, Settings settings, CancellationToken cancellationToken)
    {
        await using var consumer = new KafkaConsumer<byte[]?, byte[]?>(client, options, Deserializers.ByteArray, Deserializers.ByteArray);
        consumer.Assign(partitions);
        return await ConsumePasses.ReadAsync(consumer, settings.Face, settings.Records, cancellationToken);
    }

    /// <summary>
    /// Tops every partition up to its share of --records, one partition after another (so batches are full, as a
    /// producer writing a backlog makes them); returns how many records the topic holds then.
    /// </summary>
    private static async Task<long> FillAsync(KafkaClient client, ConsumerOptions options, List<TopicPartition> partitions, Settings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var share = (settings.Records + partitions.Count - 1) / partitions.Count;
        var held = new long[partitions.Count];
        await using (var probe = new KafkaConsumer<byte[]?, byte[]?>(client, options, Deserializers.ByteArray, Deserializers.ByteArray))
        {
            for (var i = 0; i < partitions.Count; i++)
            {
                var (low, high) = await probe.QueryWatermarkOffsetsAsync(partitions[i], cancellationToken);
                held[i] = high - low;
            }
        }

        var missing = held.Sum(h => Math.Max(0, share - h));
        if (missing == 0)
        {
            return held.Sum();
        }

        console.WriteLine(Invariant($"filling {settings.Topic}: {missing:N0} records of {settings.Size:N0} bytes, partition by partition"));
        var random = new Random(20240501);
        var values = Enumerable.Range(0, DistinctValues).Select(_ =>
        {
            var value = new byte[settings.Size];
            random.NextBytes(value);
            return value;
        }).ToArray();
        var producerOptions = new ProducerOptions { Client = client.Options, Linger = TimeSpan.FromMilliseconds(20), BatchSize = 256 * 1024 };
        await using var producer = new KafkaProducer<byte[]?, byte[]?>(client, producerOptions, Serializers.ByteArray, Serializers.ByteArray);
        var failed = 0L;
        for (var i = 0; i < partitions.Count; i++)
        {
            for (var n = held[i]; n < share; n++)
            {
                producer.Send(new ProducerRecord<byte[]?, byte[]?>(settings.Topic, null, values[n % values.Length]) { Partition = partitions[i].Partition }, report =>
                {
                    if (report.Error is not null)
                    {
                        Interlocked.Increment(ref failed);
                    }
                });
            }

            await producer.FlushAsync(cancellationToken);
            held[i] = Math.Max(held[i], share);
        }

        if (failed > 0)
        {
            throw new KafkaException(ErrorCode.UnknownServerError, Invariant($"filling topic '{settings.Topic}' failed: {failed:N0} records not delivered (rxkafka produce shows the errors of individual records)"));
        }

        // Re-read: the broker may have dropped old batches (the mock's per-partition cap).
        await using var check = new KafkaConsumer<byte[]?, byte[]?>(client, options, Deserializers.ByteArray, Deserializers.ByteArray);
        var total = 0L;
        foreach (var partition in partitions)
        {
            var (low, high) = await check.QueryWatermarkOffsetsAsync(partition, cancellationToken);
            total += high - low;
        }

        return total;
    }

    private sealed record Settings(string Topic, long Records, int Size, int Partitions, ConsumeFace Face, bool Warmup);
}
