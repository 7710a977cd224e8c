using System.Text;
using RxKafka.Client;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;

namespace RxKafka.IntegrationTests.Cli;

/// <summary>A record read back from a topic, with its key, value and header values as UTF-8 text, and the value's size in bytes (-1: null).</summary>
internal sealed record ReadRecord(int Partition, long Offset, string? Key, string? Value, int ValueSize, IReadOnlyList<(string Key, string? Value)> Headers);

/// <summary>Reads a whole topic back with raw Fetch requests (until there is a consumer), every partition from offset 0.</summary>
internal static class TopicReader
{
    public static async Task<IReadOnlyList<ReadRecord>> ReadAllAsync(string bootstrapServers, string topic, CancellationToken cancellationToken)
    {
        await using var client = await KafkaClient.ConnectAsync(bootstrapServers, cancellationToken);
        var metadata = await client.WaitForTopicAsync(topic, cancellationToken);
        var records = new List<ReadRecord>();
        foreach (var partition in metadata.Partitions)
        {
            var offset = 0L;
            while (true)
            {
                var request = new FetchRequest { MaxWaitMs = 0, MinBytes = 0, MaxBytes = 4 * 1024 * 1024 };
                request.Topics.Add(new FetchRequest.FetchTopic
                {
                    Topic = topic,
                    TopicId = metadata.TopicId,
                    Partitions = { new FetchRequest.FetchPartition { Partition = partition.Partition, FetchOffset = offset, PartitionMaxBytes = 4 * 1024 * 1024 } },
                });
                var response = await client.SendToLeaderAsync(new TopicPartition(topic, partition.Partition), request, cancellationToken);
                var data = response.Responses.Single().Partitions.Single();
                Assert.True(data.ErrorCode == 0, $"Fetch {topic}-{partition.Partition} at {offset}: {(ErrorCode)data.ErrorCode}");
                var before = offset;
                using (var reader = new RecordBatchReader(data.Records ?? ReadOnlyMemory<byte>.Empty))
                {
                    while (reader.TryReadBatch(out var batch))
                    {
                        foreach (var record in batch)
                        {
                            if (record.Offset >= offset)
                            {
                                records.Add(new ReadRecord(
                                    partition.Partition,
                                    record.Offset,
                                    record.IsKeyNull ? null : Encoding.UTF8.GetString(record.Key.Span),
                                    record.IsValueNull ? null : Encoding.UTF8.GetString(record.Value.Span),
                                    record.IsValueNull ? -1 : record.Value.Length,
                                    record.Headers.Select(h => (h.Key, h.IsValueNull ? null : Encoding.UTF8.GetString(h.Value.Span))).ToList()));
                            }
                        }

                        offset = Math.Max(offset, batch.NextOffset);
                    }
                }

                if (offset == before || offset >= data.HighWatermark)
                {
                    break;
                }
            }
        }

        return records;
    }

    /// <summary>Waits until partition 0 of <paramref name="topic"/> has a record (its high watermark is above 0).</summary>
    public static async Task WaitForFirstRecordAsync(string bootstrapServers, string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var client = await KafkaClient.ConnectAsync(bootstrapServers, cancellationToken);
        var metadata = await client.WaitForTopicAsync(topic, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var request = new FetchRequest { MaxWaitMs = 100, MinBytes = 1, MaxBytes = 1024 };
            request.Topics.Add(new FetchRequest.FetchTopic
            {
                Topic = topic,
                TopicId = metadata.TopicId,
                Partitions = { new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1024 } },
            });
            var response = await client.SendToLeaderAsync(new TopicPartition(topic, 0), request, deadline.Token);
            if (response.Responses.Single().Partitions.Single().HighWatermark > 0)
            {
                return;
            }
        }
    }
}
