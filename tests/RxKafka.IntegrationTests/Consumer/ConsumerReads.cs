using RxKafka.Client;
using RxKafka.Consumer;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.IntegrationTests.Consumer;

/// <summary>A whole topic read with RxKafka's consumer, as <see cref="PeerRecord"/>s to set beside what a peer wrote or read.</summary>
internal static class ConsumerReads
{
    /// <summary>
    /// Every record of every partition of <paramref name="topic"/>, from the beginning to the end
    /// (an end-of-partition notice from each), sorted by partition and offset; a record without a
    /// timestamp (magic 0) has -1, as kafka-python and kcat say.
    /// </summary>
    /// <param name="client">The client's options.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <param name="fromOffsetZero">Assign each partition at offset 0 instead of finding the start with ListOffsets
    /// (auto.offset.reset=earliest): for librdkafka 2.0.2's mock, which in some runs answers a ListOffsets naming
    /// two partitions of a topic with UNKNOWN_SERVER_ERROR for partition -1, every time.</param>
    /// <param name="isolation">The isolation level; under read_committed the end of a partition is its last stable offset.</param>
    /// <param name="checkCrcs">check.crcs: off for librdkafka 2.15.1's mock, which writes its transaction markers with CRC 0.</param>
    public static async Task<IReadOnlyList<PeerRecord>> ReadTopicAsync(KafkaClientOptions client, string topic, CancellationToken cancellationToken, bool fromOffsetZero = false, IsolationLevel isolation = IsolationLevel.ReadUncommitted, bool checkCrcs = true)
    {
        var options = new ConsumerOptions { Client = client, AutoOffsetReset = AutoOffsetReset.Earliest, EnablePartitionEof = true, IsolationLevel = isolation, CheckCrcs = checkCrcs };
        await using var consumer = new KafkaConsumer<byte[]?, byte[]?>(options, Deserializers.ByteArray, Deserializers.ByteArray);
        var metadata = await consumer.Client.WaitForTopicAsync(topic, cancellationToken);
        var waiting = metadata.Partitions.Select(p => p.Partition).ToHashSet();
        if (fromOffsetZero)
        {
            consumer.Assign(waiting.Select(p => new TopicPartitionOffset(topic, p, 0)));
        }
        else
        {
            consumer.Assign(waiting.Select(p => new TopicPartition(topic, p)));
        }

        var records = new List<PeerRecord>();
        await foreach (var result in consumer.ConsumeAsync(cancellationToken))
        {
            if (result.IsPartitionEof)
            {
                waiting.Remove(result.Partition);
                if (waiting.Count == 0)
                {
                    break;
                }

                continue;
            }

            records.Add(new PeerRecord(
                result.Partition,
                result.Offset,
                result.Key,
                result.Value,
                result.Headers.Select(h => new PeerHeader(h.Key, h.Value)).ToList(),
                result.TimestampType == TimestampType.NotAvailable ? -1 : result.Timestamp.ToUnixTimeMilliseconds()));
        }

        return records.OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToList();
    }
}
