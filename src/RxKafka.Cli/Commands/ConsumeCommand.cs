using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using RxKafka.Cli.Parsing;
using RxKafka.Cli.Rendering;
using RxKafka.Consumer;
using RxKafka.Serialization;

namespace RxKafka.Cli.Commands;

/// <summary>
/// <c>rxkafka consume -b HOST:PORT -t TOPIC</c>: the records of a topic (all its partitions, or
/// <c>--partition</c>), from <c>--from</c>, one line each on standard output (text or JSON lines),
/// until <c>--count</c>, <c>--idle-exit</c> or Ctrl+C; a one-line summary on standard error.
/// </summary>
internal static class ConsumeCommand
{
    /// <summary>The most records in one batch taken from the consumer (a flush of standard output each).</summary>
    public const int BatchSize = 10_000;

    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServer();
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "The topic to read",
            HelpName = "topic",
            Required = true,
        };
        var partitions = new Option<IReadOnlyList<int>>("--partition", "-p")
        {
            Description = "Read only these partitions, N[,M...] (default: all the topic's partitions)",
            HelpName = "N[,M]",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParsePartitions,
        };
        var from = new Option<ConsumeStart?>("--from")
        {
            Description = "Where each partition starts: beginning, end, an offset, or @time (Unix ms, or ISO 8601 such as @2026-12-07T10:00:00Z: "
                + "the first record at or after it). Default: beginning (auto.offset.reset=earliest, unless --config sets it)",
            HelpName = "beginning|end|offset|@time",
            CustomParser = ParseStart,
        };
        var count = CommonOptions.WholeNumber(new Option<long?>("--count", "-c") { Description = "Stop after N records", HelpName = "N" }, min: 1);
        var idleExit = new Option<TimeSpan?>("--idle-exit")
        {
            Description = "Stop when no record arrives for this long (500ms, 5s, 1m)",
            HelpName = "duration",
            CustomParser = ParseIdle,
        };
        var format = new Option<string>("--format")
        {
            Description = "text: 'topic-partition@offset<TAB>key<TAB>value' (null as (null), non-UTF-8 as base64:...); "
                + "json: one object per line with topic, partition, offset, timestamp, timestamp_type, key, value, headers (non-UTF-8 bytes as {\"base64\":...})",
            DefaultValueFactory = _ => "text",
        }.AcceptOnlyFromAmong("text", "json");
        var isolation = new Option<string?>("--isolation")
        {
            Description = "isolation.level: read_uncommitted (default) or read_committed (no records of open or aborted transactions)",
        }.AcceptOnlyFromAmong("read_uncommitted", "read_committed");

        var command = new Command("consume", "Read a topic's records and print one per line on standard output; a summary on standard error")
        {
            bootstrap, topic, partitions, from, count, idleExit, format, isolation,
        };
        command.SetAction(Program.Guard((result, ct) =>
        {
            var config = CommonOptions.ClientConfig(result, bootstrap);
            if (result.GetValue(isolation) is { } level)
            {
                config["isolation.level"] = level;
            }

            var settings = new ConsumeSettings(
                result.GetValue(topic)!,
                result.GetValue(partitions),
                result.GetValue(from),
                result.GetValue(count),
                result.GetValue(idleExit),
                result.GetValue(format) == "json" ? RecordFormat.Json : RecordFormat.Text);
            return RunAsync(config, settings, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> config, ConsumeSettings settings, CancellationToken cancellationToken)
    {
        config.TryAdd("client.id", "rxkafka-consume");
        // Reading must not create: the client's default (true) would make a topic of every typo.
        config.TryAdd("allow.auto.create.topics", "false");
        switch (settings.From?.Kind)
        {
            case StartKind.Beginning:
                config["auto.offset.reset"] = "earliest";
                break;
            case StartKind.End:
                config["auto.offset.reset"] = "latest";
                break;
            default:
                // An offset out of range, or no --from: from the beginning unless --config says otherwise.
                config.TryAdd("auto.offset.reset", "earliest");
                break;
        }

        var options = ConsumerOptions.FromConfig(config);
        await using var consumer = new KafkaConsumer<byte[]?, byte[]?>(options, Deserializers.ByteArray, Deserializers.ByteArray);
        // Unreachable brokers, a topic that is not there, a partition it does not have: one error each, before reading.
        await consumer.Client.BootstrapAsync(cancellationToken);
        var metadata = await consumer.Client.WaitForTopicAsync(settings.Topic, cancellationToken);
        var chosen = settings.Partitions ?? [.. metadata.Partitions.Select(p => p.Partition).Order()];
        foreach (var p in chosen)
        {
            if (metadata.GetPartition(p) is null)
            {
                throw new UnknownTopicOrPartitionException($"topic '{settings.Topic}' has no partition {p} (it has {metadata.Partitions.Length})");
            }
        }

        var assigned = chosen.Select(p => new TopicPartition(settings.Topic, p)).ToList();
        await AssignAsync(consumer, assigned, settings.From, cancellationToken);

        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        var lines = new RecordLines(stdout, settings.Format);
        var clock = Stopwatch.StartNew();
        var (records, stop) = await ConsumeLoop.RunAsync(
            token => consumer.ConsumeBatchesAsync(BatchSize, token),
            lines.Write,
            lines.Flush,
            settings.Count,
            settings.IdleExit,
            consumer.Client.Options.Scheduler,
            cancellationToken);
        Console.Error.WriteLine(Summary(settings, assigned.Count, records, stop, clock.Elapsed));
        return stop == ConsumeStop.Interrupted && cancellationToken.IsCancellationRequested ? 130 : ExitCodes.Ok;
    }

    /// <summary>Assigns the partitions at <paramref name="from"/> (null: from the committed offset, else auto.offset.reset).</summary>
    private static async Task AssignAsync(KafkaConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions, ConsumeStart? from, CancellationToken cancellationToken)
    {
        switch (from?.Kind)
        {
            case StartKind.Offset:
                consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, from.Value.Offset)));
                break;
            case StartKind.Time:
                consumer.Assign(partitions);
                await consumer.SeekAsync(partitions, from.Value.Time, cancellationToken);
                break;
            default:
                consumer.Assign(partitions);
                break;
        }
    }

    /// <summary>"3 records from orders (3 partitions) in 0.12 s; stopped: --count 3 reached".</summary>
    internal static string Summary(ConsumeSettings settings, int partitions, long records, ConsumeStop stop, TimeSpan elapsed)
    {
        var why = stop switch
        {
            ConsumeStop.Count => string.Create(CultureInfo.InvariantCulture, $"--count {settings.Count:N0} reached"),
            ConsumeStop.Idle => $"nothing arrived for {Durations.Format(settings.IdleExit ?? TimeSpan.Zero)} (--idle-exit)",
            _ => "interrupted",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{records:N0} record{(records == 1 ? "" : "s")} from {settings.Topic} ({partitions} partition{(partitions == 1 ? "" : "s")}) in {elapsed.TotalSeconds:0.00} s; stopped: {why}");
    }

    private static IReadOnlyList<int>? ParsePartitions(ArgumentResult result)
    {
        if (PartitionNumbers.TryParse(result.Tokens.Select(t => t.Value), out var partitions, out var error))
        {
            return partitions;
        }

        result.AddError(error!);
        return null;
    }

    private static ConsumeStart? ParseStart(ArgumentResult result)
    {
        if (ConsumeStart.TryParse(result.Tokens.Count > 0 ? result.Tokens[0].Value : "", out var start, out var error))
        {
            return start;
        }

        result.AddError(error!);
        return null;
    }

    private static TimeSpan? ParseIdle(ArgumentResult result)
    {
        if (Durations.TryParse(result.Tokens.Count > 0 ? result.Tokens[0].Value : "", out var duration, out var error))
        {
            return duration;
        }

        result.AddError($"--idle-exit: {error}");
        return null;
    }

    internal sealed record ConsumeSettings(string Topic, IReadOnlyList<int>? Partitions, ConsumeStart? From, long? Count, TimeSpan? IdleExit, RecordFormat Format);
}
