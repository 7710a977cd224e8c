using RxKafka.Client;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>One record batch as the broker stored it: where, which codec, and the idempotent producer's fields.</summary>
internal sealed record FetchedBatch(int Partition, long BaseOffset, int RecordCount, CompressionType Compression, long ProducerId, short ProducerEpoch, int BaseSequence, IReadOnlyList<PeerRecord> Records, byte Magic = 2);

/// <summary>
/// Reads a whole topic back with RxKafka itself until the consumer exists: raw Fetch requests (at the
/// version the client negotiates with the leader) decoded by <see cref="RecordBatchReader"/> with CRC
/// checks on. The mock answers one batch per partition per Fetch, so each partition is fetched from
/// the next batch's offset until its high watermark.
/// </summary>
internal static class RawFetch
{
    public static async Task<IReadOnlyList<FetchedBatch>> ReadTopicAsync(KafkaClient client, string topic, CancellationToken cancellationToken)
    {
        var metadata = await client.WaitForTopicAsync(topic, cancellationToken);
        var batches = new List<FetchedBatch>();
        foreach (var partition in metadata.Partitions.OrderBy(p => p.Partition))
        {
            var offset = 0L;
            while (true)
            {
                var request = new FetchRequest
                {
                    MaxWaitMs = 0,
                    MinBytes = 0,
                    MaxBytes = 16 * 1024 * 1024,
                    Topics =
                    {
                        new FetchRequest.FetchTopic
                        {
                            Topic = topic,
                            TopicId = metadata.TopicId, // Fetch v13+ names topics by id
                            Partitions = { new FetchRequest.FetchPartition { Partition = partition.Partition, FetchOffset = offset, PartitionMaxBytes = 16 * 1024 * 1024 } },
                        },
                    },
                };
                var response = await client.SendToLeaderAsync(new TopicPartition(topic, partition.Partition), request, cancellationToken);
                Assert.Equal(0, response.ErrorCode);
                var data = Assert.Single(Assert.Single(response.Responses).Partitions);
                Assert.True(data.ErrorCode == 0, $"Fetch {topic}-{partition.Partition} at {offset}: {(ErrorCode)data.ErrorCode}");
                if (offset >= data.HighWatermark)
                {
                    break;
                }

                var records = data.Records ?? ReadOnlyMemory<byte>.Empty;
                Assert.False(records.IsEmpty, $"Fetch {topic}-{partition.Partition} at {offset} returned nothing below the high watermark {data.HighWatermark}");
                using var reader = new RecordBatchReader(records);
                while (reader.TryReadBatch(out var batch))
                {
                    if (batch.LastOffset < offset)
                    {
                        continue;
                    }

                    var read = new List<PeerRecord>(batch.RecordCount);
                    foreach (var record in batch)
                    {
                        var headers = new List<PeerHeader>(record.Headers.Count);
                        foreach (var header in record.Headers)
                        {
                            headers.Add(new PeerHeader(header.Key, header.IsValueNull ? null : header.Value.ToArray()));
                        }

                        read.Add(new PeerRecord(
                            partition.Partition,
                            record.Offset,
                            record.IsKeyNull ? null : record.Key.ToArray(),
                            record.IsValueNull ? null : record.Value.ToArray(),
                            headers,
                            record.Timestamp));
                    }

                    batches.Add(new FetchedBatch(partition.Partition, batch.BaseOffset, batch.RecordCount, batch.Compression, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, read, batch.Magic));
                    offset = batch.NextOffset;
                }

                Assert.False(reader.HasPartialTrailingBatch && reader.Position == 0, $"Fetch {topic}-{partition.Partition} at {offset}: the first batch did not fit the response");
            }
        }

        return batches;
    }

    /// <summary>The Fetch version the client uses with the leader of <paramref name="topic"/>'s partition 0.</summary>
    public static async Task<short> VersionAsync(KafkaClient client, string topic, CancellationToken cancellationToken)
    {
        var leader = client.Snapshot.GetLeader(topic, 0) ?? throw new InvalidOperationException($"no leader for {topic}-0");
        var connection = await client.GetConnectionAsync(leader, ConnectionGroup.Fetch, cancellationToken);
        return connection.ApiVersions!.Pick(ApiKey.Fetch, connection.Broker);
    }
}
