using System.Reactive.Concurrency;
using System.Text;
using RxKafka.Client;
using RxKafka.IntegrationTests.Producer.Peers;
using RxKafka.IntegrationTests.Support;
using RxKafka.Producer;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing.MockCluster;
using RxKafka.Testing.Network;

namespace RxKafka.IntegrationTests.Testing;

/// <summary>
/// The scripted cluster served over loopback TCP on a real-time scheduler: RxKafka's producer writes to it,
/// peer clients (kafka-python, kcat) read it back, and its Fetch and ListOffsets answers are set against
/// librdkafka's mock cluster for the same records.
/// </summary>
public sealed class ScriptedClusterTcpTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const long T0 = 1_700_000_000_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<CompressionType> Codecs => new(CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd);

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Peers_read_over_TCP_exactly_what_RxKafka_produced_to_the_scripted_cluster(CompressionType codec)
    {
        var cluster = new ScriptedCluster(DefaultScheduler.Instance);
        var topic = $"tcp-{codec}".ToLowerInvariant();
        cluster.CreateTopic(topic, partitions: 3);
        await using var server = cluster.ServeTcp();
        var options = new ProducerOptions { Client = KafkaClientOptions.FromBootstrap(server.BootstrapServers) } with { CompressionType = codec, Linger = TimeSpan.FromMilliseconds(20) };
        var sent = Enumerable.Range(0, 30)
            .Select(i => new ProducerRecord<string?, string?>(topic, i % 7 == 0 ? null : $"key-{i % 5}", i % 11 == 0 ? null : $"value-{i} " + new string('z', i * 10))
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(T0 + (i * 1000)),
                Headers = i % 3 == 0 ? new Headers { { "h", PeerRecord.Utf8($"{i}") } } : null,
            })
            .ToList();

        IReadOnlyList<RecordMetadata> delivered;
        await using (var producer = new KafkaProducer<string?, string?>(options, Serializers.Utf8, Serializers.Utf8))
        {
            delivered = await Task.WhenAll(sent.Select(r => producer.ProduceAsync(r, Token))).WaitAsync(Deadline, Token);
        }

        var expected = sent.Zip(delivered, (r, m) => new PeerRecord(
                m.Partition,
                m.Offset,
                PeerRecord.Utf8(r.Key),
                PeerRecord.Utf8(r.Value),
                (r.Headers ?? []).Select(h => new PeerHeader(h.Key, h.Value)).ToList(),
                r.Timestamp!.Value.ToUnixTimeMilliseconds()).ToString())
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(sent.Count, Enumerable.Range(0, 3).Sum(p => cluster.Log(topic, p).Count));
        Assert.All(cluster.Batches(topic, 0).Concat(cluster.Batches(topic, 1)).Concat(cluster.Batches(topic, 2)), b => Assert.Equal(codec, b.Compression));

        Assert.Equal(expected, KafkaPython.Consume(server.BootstrapServers, topic).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(expected, Kcat.Consume(server.BootstrapServers, topic).Select(r => r.ToString()).Order(StringComparer.Ordinal));

        // offsets_for_times (ListOffsets by time) finds the first record at or after each time, or none.
        var partition = delivered[1].Partition;
        var log = cluster.Log(topic, partition);
        long[] times = [T0 - 1, T0 + 1, T0 + 14_500, T0 + 29_000, T0 + 40_000];
        var found = KafkaPython.OffsetsForTimes(server.BootstrapServers, topic, partition, times);
        Assert.Equal(
            times.Select(t => log.FirstOrDefault(r => r.Timestamp >= t) is { } r ? (t, (long?)r.Offset, (long?)r.Timestamp) : (t, null, null)),
            found);
        Assert.Contains(found, f => f.Offset is > 0);
    }

    [Fact]
    public async Task Fetch_and_ListOffsets_answer_as_librdkafkas_mock_cluster_does_for_the_same_records()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        using var mock = MockKafkaCluster.Start(1, MockBuild.Redist2151);
        mock.CreateTopic("d", 1, 1);
        var cluster = new ScriptedCluster(DefaultScheduler.Instance, brokers: 1);
        cluster.CreateTopic("d", partitions: 1);
        var mockListener = mock.GetBrokerListener(1);
        using var toMock = RawKafkaConnection.Connect(mockListener.Host, mockListener.Port);
        await using var server = cluster.ServeTcp();
        using var toScripted = RawKafkaConnection.Connect(server.Endpoint(1).Host, server.Endpoint(1).Port);
        var batches = new[]
        {
            Batch(["a", "b", "c"], CompressionType.None, T0),
            Batch(["d"], CompressionType.Gzip, T0 + 100),
            Batch(["e", "f"], CompressionType.Lz4, T0 + 50),
        };
        foreach (var batch in batches)
        {
            var produce = new ProduceRequest { Acks = -1, TimeoutMs = 5000, TopicData = [new() { Name = "d", PartitionData = [new() { Index = 0, Records = batch }] }] };
            Assert.Equal(
                Show(toMock.Send(produce, 7).Responses[0].PartitionResponses[0]),
                Show(toScripted.Send(produce, 7).Responses[0].PartitionResponses[0]));
        }

        foreach (var offset in new long[] { 0, 1, 3, 4, 5, 6, 7 })
        {
            var fetch = new FetchRequest
            {
                ReplicaId = -1,
                MaxWaitMs = 0,
                MinBytes = 0,
                MaxBytes = 1 << 20,
                SessionEpoch = -1,
                Topics = [new() { Topic = "d", Partitions = [new() { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 1 << 20 }] }],
            };
            Assert.Equal(FirstBatch(toMock.Send(fetch, 11)), FirstBatch(toScripted.Send(fetch, 11)));
        }

        foreach (var timestamp in new long[] { -1, -2 })
        {
            var list = new ListOffsetsRequest { ReplicaId = -1, Topics = [new() { Name = "d", Partitions = [new() { PartitionIndex = 0, Timestamp = timestamp }] }] };
            var (theirs, ours) = (toMock.Send(list, 1).Topics[0].Partitions[0], toScripted.Send(list, 1).Topics[0].Partitions[0]);
            Assert.Equal((theirs.ErrorCode, theirs.Offset), (ours.ErrorCode, ours.Offset));
        }
    }

    private static byte[] Batch(string[] values, CompressionType codec, long timestamp)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var value in values)
        {
            builder.Append(timestamp++, Encoding.UTF8.GetBytes($"k-{value}"), Encoding.UTF8.GetBytes(value));
        }

        return builder.Build(codec).ToArray();
    }

    private static string Show(ProduceResponse.PartitionProduceResponse answer) => $"{(ErrorCode)answer.ErrorCode} base {answer.BaseOffset}";

    // The error, the offsets, and the first batch returned (the mock returns one batch per Fetch): where it
    // starts, its codec and every record.
    private static string FirstBatch(FetchResponse response)
    {
        var data = response.Responses[0].Partitions[0];
        if (data.ErrorCode != 0)
        {
            // Kafka answers an error with no offsets (-1), the mock with the partition's: the error is what counts.
            return $"{(ErrorCode)data.ErrorCode}";
        }

        var text = new StringBuilder($"{(ErrorCode)data.ErrorCode} hw {data.HighWatermark} lso {data.LastStableOffset} start {data.LogStartOffset}:");
        using var reader = new RecordBatchReader(data.Records ?? ReadOnlyMemory<byte>.Empty);
        if (reader.TryReadBatch(out var batch))
        {
            text.Append($" batch at {batch.BaseOffset} ({batch.Compression})");
            foreach (var record in batch)
            {
                text.Append($" {record.Offset}={Encoding.UTF8.GetString(record.Key.Span)}/{Encoding.UTF8.GetString(record.Value.Span)}@{record.Timestamp}");
            }
        }

        return text.ToString();
    }
}
