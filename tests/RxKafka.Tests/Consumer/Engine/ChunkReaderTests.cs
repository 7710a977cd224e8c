using System.Text;
using RxKafka.Consumer;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;

namespace RxKafka.Tests.Consumer.Engine;

/// <summary>
/// The chunk reader's fast path (the next record of the batch being read) against its slow one (starting a
/// batch, skipping records before the fetch offset): every record from the fetch offset on, once, in order.
/// </summary>
public sealed class ChunkReaderTests
{
    private static readonly TopicPartition Partition = new("t", 0);

    [Theory]
    [InlineData(CompressionType.None, 0)]
    [InlineData(CompressionType.None, 4)]
    [InlineData(CompressionType.None, 9)]
    [InlineData(CompressionType.None, 12)]
    [InlineData(CompressionType.Lz4, 4)]
    [InlineData(CompressionType.Gzip, 13)]
    public void Records_before_the_fetch_offset_are_skipped_and_every_later_one_is_read_once_in_order(CompressionType compression, long fetchOffset)
    {
        // Two batches, 0..9 and 10..14: a fetch offset inside either one makes the broker send that batch whole.
        var records = Batch(0, 10, compression).Concat(Batch(10, 5, compression)).ToArray();
        var chunk = new FetchedChunk { State = new PartitionState(Partition), Version = 0, FetchOffset = fetchOffset, NextOffset = 15, Records = records };
        using var reader = new ChunkReader(new ConsumerOptions());
        reader.Start(chunk);

        var read = new List<(long Offset, string Value)>();
        while (reader.TryRead())
        {
            read.Add((reader.Current.Offset, Encoding.UTF8.GetString(reader.Current.Value.Span)));
        }

        Assert.Equal(Enumerable.Range((int)fetchOffset, 15 - (int)fetchOffset).Select(i => ((long)i, $"v{i}")), read);
        Assert.False(reader.TryRead(), "a chunk read to its end stays at its end");
    }

    [Fact]
    public void Current_is_the_record_moved_to_with_its_key_headers_and_timestamp()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_700_000_000_000, Encoding.UTF8.GetBytes("k0"), Encoding.UTF8.GetBytes("v0"), [new RecordHeader("h", Encoding.UTF8.GetBytes("x"))]);
        builder.Append(1_700_000_000_005, null, null);
        var chunk = new FetchedChunk { State = new PartitionState(Partition), Version = 0, FetchOffset = 0, NextOffset = 2, Records = builder.Build(CompressionType.None).ToArray() };
        using var reader = new ChunkReader(new ConsumerOptions());
        reader.Start(chunk);

        Assert.True(reader.TryRead());
        var first = reader.Current;
        Assert.Equal((0L, 1_700_000_000_000L, "k0", "v0", 1), (first.Offset, first.Timestamp, Encoding.UTF8.GetString(first.Key.Span), Encoding.UTF8.GetString(first.Value.Span), first.HeaderCount));
        Assert.True(reader.TryRead());
        var second = reader.Current;
        Assert.Equal((1L, 1_700_000_000_005L, true, true, 0), (second.Offset, second.Timestamp, second.IsKeyNull, second.IsValueNull, second.HeaderCount));
        Assert.Equal((0L, "v0"), (first.Offset, Encoding.UTF8.GetString(first.Value.Span))); // a record taken stays what it was
    }

    private static byte[] Batch(long baseOffset, int count, CompressionType compression)
    {
        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = baseOffset;
        for (var i = 0; i < count; i++)
        {
            builder.Append(1_700_000_000_000 + i, null, Encoding.UTF8.GetBytes($"v{baseOffset + i}"));
        }

        return builder.Build(compression).ToArray();
    }
}
