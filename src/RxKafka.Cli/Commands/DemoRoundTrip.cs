using System.Globalization;
using System.Reactive.Concurrency;
using RxKafka.Cli.Parsing;
using RxKafka.Cli.Rendering;
using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.Producer;
using RxKafka.Serialization;

namespace RxKafka.Cli.Commands;

/// <summary>
/// The demo's produce → consume scene: a producer and a consumer on the demo's client write a few records to
/// a topic and read them back, each record printed as the consumer hands it over.
/// </summary>
internal static class DemoRoundTrip
{
    /// <summary>The topic written and read (made by the demo, empty until this scene).</summary>
    public const string Topic = "payments";

    /// <summary>How many records go round.</summary>
    public const int Records = 3;

    /// <summary>How long the scene waits for its records, on the scheduler, before it says what it missed.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>The scene as a script step at <paramref name="atSeconds"/>.</summary>
    public static DemoStep Step(double atSeconds, KafkaClient client, ChangeLog log) => new(
        TimeSpan.FromSeconds(atSeconds),
        () => ($"produce {Records} records to {Topic} and read them back with a consumer", ct => RunAsync(client, log, ct)));

    private static async Task<string?> RunAsync(KafkaClient client, ChangeLog log, CancellationToken cancellationToken)
    {
        var scheduler = client.Options.Scheduler;
        var started = scheduler.Now;
        var metadata = await client.WaitForTopicAsync(Topic, cancellationToken);
        await using var consumer = new KafkaConsumer<string?, string?>(client, new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest }, Deserializers.Utf8, Deserializers.Utf8);
        consumer.Assign(metadata.Partitions.Select(p => new TopicPartition(Topic, p.Partition)));
        await using (var producer = new KafkaProducer<string?, string?>(client, new ProducerOptions(), Serializers.Utf8, Serializers.Utf8))
        {
            for (var i = 1; i <= Records; i++)
            {
                var sent = await producer.ProduceAsync(new ProducerRecord<string?, string?>(Topic, $"payment-{i}", string.Create(CultureInfo.InvariantCulture, $"{i * 25}.00 EUR")), cancellationToken);
                log.Note(scheduler.Now, $"produced {sent.Topic}-{sent.Partition}@{sent.Offset}: payment-{i}");
            }
        }

        // Not forever: a scene that cannot read its records says so and the script goes on.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = scheduler.Schedule(patience, Patience, static (_, source) =>
        {
            source.Cancel();
            return System.Reactive.Disposables.Disposable.Empty;
        });
        var read = 0;
        try
        {
            await foreach (var record in consumer.ConsumeAsync(patience.Token))
            {
                log.Note(scheduler.Now, $"consumed {record.Topic}-{record.Partition}@{record.Offset}: {record.Key} = {record.Value}");
                if (++read == Records)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"read back only {read} of {Records} records within {Durations.Format(Patience)}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"read back {read} of {Records} records, {(scheduler.Now - started).TotalMilliseconds:0} ms after the first was sent");
    }
}
