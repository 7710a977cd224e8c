using System.Collections.Concurrent;
using Confluent.Kafka;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>
/// Confluent.Kafka (2.15.1, on the librdkafka of its librdkafka.redist package) as a peer producer, in
/// this process: it loads its own native library from the runtimes folder, apart from the mock cluster's
/// builds, which the harness loads by path (each dlopen'ed on its own, RTLD_LOCAL).
/// </summary>
internal static class ConfluentPeer
{
    /// <summary>
    /// Produces one record per key (a null entry is a null key) to <paramref name="topic"/> with
    /// librdkafka's <c>partitioner</c> set to <paramref name="partitioner"/>, and returns the partition
    /// each record was delivered to, in key order.
    /// </summary>
    public static async Task<int[]> ProduceAsync(string bootstrap, string topic, string partitioner, IReadOnlyList<byte[]?> keys, TimeSpan deadline, CancellationToken cancellation)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 5,
            MessageTimeoutMs = (int)deadline.TotalMilliseconds,
        };
        config.Set("partitioner", partitioner);
        var log = new ConcurrentQueue<string>();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray)
            .SetValueSerializer(Serializers.ByteArray)
            .SetLogHandler((_, m) => log.Enqueue($"{m.Level} {m.Facility}: {m.Message}"))
            .SetErrorHandler((_, e) => log.Enqueue($"error {e.Code}: {e.Reason}"))
            .Build();

        var deliveries = keys.Select((key, i) => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = key, Value = [(byte)i] }, cancellation)).ToArray();
        try
        {
            var results = await Task.WhenAll(deliveries).WaitAsync(deadline, cancellation);
            return [.. results.Select(r => r.Partition.Value)];
        }
        catch (Exception e) when (e is TimeoutException or ProduceException<byte[]?, byte[]?>)
        {
            throw new InvalidOperationException(
                $"Confluent.Kafka {Library.VersionString} did not deliver {deliveries.Count(d => !d.IsCompletedSuccessfully)} of {keys.Count} records "
                + $"to {topic} at {bootstrap} (partitioner={partitioner}): {e.Message}\n{string.Join('\n', log.TakeLast(30))}",
                e);
        }
    }

    /// <summary>The librdkafka version Confluent.Kafka loaded.</summary>
    public static string LibraryVersion => Library.VersionString;
}
