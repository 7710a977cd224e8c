// Virtual time: each task is completed by advancing the TestScheduler and checked with IsCompleted
// before .Result is read, so nothing blocks.
#pragma warning disable xUnit1031, xUnit1051

using System.Reactive.Linq;
using System.Text;
using RxKafka.Consumer;
using RxKafka.Network;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>
/// The raw face, <c>ConsumeRawAsync</c> (R1): the bytes, headers, timestamps and positions of records read
/// as views over the fetched frames, compressed batches, what happens to records not enumerated, that a view
/// cannot be read once the face moved on, and that pooled response frames go back to the pool exactly once
/// and are never read after (a poisoning pool, through every face).
/// </summary>
public sealed class ConsumerRawFaceTests : ConsumerTestBed
{
    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void R1_the_raw_face_hands_over_each_records_key_value_headers_timestamp_and_epoch_as_written(CompressionType compression)
    {
        AppendBatch(T0, compression, 0, 50);
        AppendBatch(T0, compression, 50, 50);
        var consumer = Consumer();
        consumer.Assign([T0]);

        var read = ReadRaw(consumer, 100);

        Assert.Equal(Enumerable.Range(0, 100).Select(Expected), read);
        Assert.Equal(100, consumer.Position(T0));
    }

    [Fact]
    public void R1_records_of_a_raw_batch_not_enumerated_are_fetched_again_and_the_position_stops_at_the_first_of_them()
    {
        AppendBatch(T0, CompressionType.None, 0, 20);
        var consumer = Consumer();
        consumer.Assign([T0]);

        // Five records, then a break out of the batch and out of the face: the other fifteen were not handed over.
        var firstFive = Run(async () =>
        {
            var seen = new List<long>();
            await foreach (var batch in consumer.ConsumeRawAsync())
            {
                foreach (var record in batch)
                {
                    seen.Add(record.Offset);
                    if (seen.Count == 5)
                    {
                        break;
                    }
                }

                break;
            }

            return seen;
        });

        Assert.Equal([0L, 1, 2, 3, 4], firstFive);
        Assert.Equal(5, consumer.Position(T0));
        Assert.Equal(Enumerable.Range(5, 15).Select(Expected), ReadRaw(consumer, 15));
    }

    [Fact]
    public void R1_a_raw_batch_and_its_enumerator_throw_once_the_face_moved_on_instead_of_reading_returned_bytes()
    {
        AppendBatch(T0, CompressionType.None, 0, 10);
        AppendBatch(T1, CompressionType.None, 0, 10);
        var pool = new PoisoningArrayPool();
        var consumer = Consumer(Options with { Client = ClientOptions with { ResponseBufferPool = pool } });
        consumer.Assign([T0, T1]);

        var outcome = Run(async () =>
        {
            await using var batches = consumer.ConsumeRawAsync().GetAsyncEnumerator();
            Assert.True(await batches.MoveNextAsync());
            var first = batches.Current;
            var partition = first.TopicPartition;
            var enumerator = first.GetEnumerator();
            Assert.True(enumerator.MoveNext());
            Assert.Equal(0, enumerator.Current.Offset);

            Assert.True(await batches.MoveNextAsync());
            Assert.NotEqual(partition, batches.Current.TopicPartition);
            var afterMove = Xunit.Record.Exception(() => enumerator.MoveNext());
            var batchAfterMove = Xunit.Record.Exception(() => first.TopicPartition);
            var secondTime = Xunit.Record.Exception(() => { batches.Current.GetEnumerator(); batches.Current.GetEnumerator(); });
            return (afterMove, batchAfterMove, secondTime);
        });

        Assert.IsType<InvalidOperationException>(outcome.afterMove);
        Assert.Contains("next batch was asked for", outcome.afterMove.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(outcome.batchAfterMove);
        Assert.IsType<InvalidOperationException>(outcome.secondTime);
        Assert.Contains("enumerated once", outcome.secondTime.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void R1_the_raw_face_refuses_a_consumer_that_acknowledges_records_one_by_one_saying_why()
    {
        var consumer = Consumer(Options with { EnableAutoOffsetStore = false });

        var error = Assert.Throws<InvalidOperationException>(() => consumer.ConsumeRawAsync());

        Assert.Contains("enable.auto.offset.store", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("records", false)]
    [InlineData("batches", false)]
    [InlineData("observable", false)]
    [InlineData("raw", false)]
    [InlineData("records", true)]
    [InlineData("batches", true)]
    [InlineData("observable", true)]
    [InlineData("raw", true)]
    public void R2_each_pooled_fetch_frame_goes_back_once_when_its_chunks_are_read_and_none_is_read_after(string face, bool readInAsItArrives)
    {
        // Small fetches, so that the frames of many responses come and go (and poisoned bytes would show).
        for (var p = 0; p < 3; p++)
        {
            AppendBatch(new("t", p), CompressionType.Lz4, 0, 200);
            AppendBatch(new("t", p), CompressionType.None, 200, 200);
        }

        var pool = new PoisoningArrayPool();
        // readInAsItArrives: every frame, not only large ones, read into the pool by the connection's reader and
        // kept by the Fetch responses (FrameReader, PooledFrame.Keep); the other answers give theirs back at once.
        var client = ClientOptions with { ResponseBufferPool = pool, LargeFrameSize = readInAsItArrives ? 1 : FrameReader.DefaultLargeFrameSize };
        var options = Options with { Client = client, MaxPartitionFetchBytes = 4096, FetchMaxBytes = 8192 };
        var consumer = Consumer(options, Deserializers.Utf8);
        consumer.Assign([T0, T1, T2]);

        var read = face switch
        {
            "records" => Read(consumer, 1200).Select(r => $"{r.TopicPartition}@{r.Offset}:{r.Value}").ToList(),
            "batches" => Run(async () =>
            {
                var all = new List<string>();
                await foreach (var batch in consumer.ConsumeBatchesAsync(maxBatchSize: 7))
                {
                    all.AddRange(batch.Select(r => $"{r.TopicPartition}@{r.Offset}:{r.Value}"));
                    if (all.Count == 1200)
                    {
                        break;
                    }
                }

                return all;
            }),
            "observable" => Run(async () => (await consumer.Consume().Take(1200).ToList()).Select(r => $"{r.TopicPartition}@{r.Offset}:{r.Value}").ToList()),
            _ => ReadRaw(consumer, 1200).Select(s => s[..s.IndexOf(":k", StringComparison.Ordinal)] + ":" + s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..s.IndexOf(' ', StringComparison.Ordinal)]).ToList(),
        };

        var expected = Enumerable.Range(0, 3).SelectMany(p => Enumerable.Range(0, 400).Select(i => $"t-{p}@{i}:v{i}")).Order(StringComparer.Ordinal);
        Assert.Equal(expected, read.Order(StringComparer.Ordinal));
        Assert.True(pool.Rented > 3, $"only {pool.Rented} fetch frames were rented");

        var dispose = consumer.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(dispose, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(pool.Rented, pool.Returned);
    }

    [Fact]
    public void R3_a_seek_while_chunks_wait_gives_their_frames_back_and_reads_from_the_new_position()
    {
        AppendBatch(T0, CompressionType.None, 0, 100);
        var pool = new PoisoningArrayPool();
        var consumer = Consumer(Options with { Client = ClientOptions with { ResponseBufferPool = pool } });
        consumer.Assign([T0]);
        Assert.Equal(Enumerable.Range(0, 3).Select(Expected), ReadRaw(consumer, 3));

        consumer.Seek(new TopicPartitionOffset(T0, 90));

        Assert.Equal(Enumerable.Range(90, 10).Select(Expected), ReadRaw(consumer, 10));
        var dispose = consumer.DisposeAsync().AsTask();
        Assert.True(Scheduler.AdvanceUntilCompleted(dispose, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, pool.Outstanding);
    }

    // What ReadRaw makes of record i of AppendBatch: everything the raw record says.
    private static string Expected(int i) =>
        $"t-0@{i}:k{i}=v{i} h=[{(i % 3 == 0 ? "" : $"a:{i};")}b:null;] ts={Time0 + i} epoch=0";

    // Writes records "k{i}"/"v{i}" with headers (a:"{i}" on two records of three, b:null) straight to the leader, in one batch.
    private void AppendBatch(TopicPartition partition, CompressionType compression, int first, int count)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = first; i < first + count; i++)
        {
            RecordHeader[] headers = i % 3 == 0 ? [new("b", (byte[]?)null)] : [new("a", Encoding.UTF8.GetBytes($"{i}")), new("b", (byte[]?)null)];
            builder.Append(Time0 + i, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}"), headers);
        }

        AppendRecords(partition, builder.Build(compression).ToArray());
    }

    // Reads `count` records through the raw face, each as text made from its views (copied while valid).
    private List<string> ReadRaw(KafkaConsumer<string?, string?> consumer, int count) => Run(async () =>
    {
        var read = new List<string>();
        await foreach (var batch in consumer.ConsumeRawAsync())
        {
            foreach (var record in batch)
            {
                var headers = new StringBuilder();
                foreach (var header in record.Headers)
                {
                    headers.Append(header.Key).Append(':').Append(header.IsValueNull ? "null" : Encoding.UTF8.GetString(header.Value.Span)).Append(';');
                }

                read.Add($"{record.TopicPartition}@{record.Offset}:{Encoding.UTF8.GetString(record.Key)}={Encoding.UTF8.GetString(record.Value)} h=[{headers}] ts={record.TimestampUnixMilliseconds} epoch={record.LeaderEpoch}");
                Assert.Equal(record.TimestampUnixMilliseconds, record.Timestamp.ToUnixTimeMilliseconds());
                Assert.Equal(TimestampType.CreateTime, record.TimestampType);
                if (read.Count == count)
                {
                    return read;
                }
            }
        }

        return read;
    });

    private T Run<T>(Func<Task<T>> body)
    {
        var task = body();
        Assert.True(Scheduler.AdvanceUntilCompleted(task, TimeSpan.FromSeconds(30)), "the face did not deliver in time");
        return task.IsFaulted ? throw task.Exception!.InnerException! : task.Result;
    }
}
