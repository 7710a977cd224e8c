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

    /// <summary>
    /// Produces <paramref name="records"/> (partition, key, value, headers, timestamp as given) with
    /// <paramref name="codec"/>, lingering so each partition's records share a batch; returns each record
    /// with the offset it was written at.
    /// </summary>
    public static async Task<IReadOnlyList<PeerRecord>> ProduceRecordsAsync(string bootstrap, string topic, RxKafka.Protocol.CompressionType codec, IReadOnlyList<PeerRecord> records, TimeSpan deadline, CancellationToken cancellation)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 200,
            MessageTimeoutMs = (int)deadline.TotalMilliseconds,
            CompressionType = Enum.Parse<CompressionType>(Kcat.CodecName(codec), ignoreCase: true),
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray)
            .SetValueSerializer(Serializers.ByteArray)
            .Build();
        var deliveries = records.Select(r =>
        {
            var headers = new Headers();
            foreach (var header in r.Headers)
            {
                headers.Add(header.Key, header.Value);
            }

            var message = new Message<byte[]?, byte[]?> { Key = r.Key, Value = r.Value, Headers = headers, Timestamp = new Timestamp(r.Timestamp, TimestampType.CreateTime) };
            return producer.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, new Partition(r.Partition)), message, cancellation);
        }).ToArray();
        var results = await Task.WhenAll(deliveries).WaitAsync(deadline, cancellation);
        return records.Select((r, i) => r with { Offset = results[i].Offset.Value }).ToList();
    }

    /// <summary>The librdkafka version Confluent.Kafka loaded.</summary>
    public static string LibraryVersion => Library.VersionString;
}
