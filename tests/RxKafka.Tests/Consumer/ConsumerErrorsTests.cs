#pragma warning disable xUnit1031, xUnit1051

using System.Text;
using RxKafka.Consumer;
using RxKafka.Consumer.Engine;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>Bad input and broken data: each a typed error naming the partition and offset, nothing else lost.</summary>
public sealed class ConsumerErrorsTests : ConsumerTestBed
{
    [Fact]
    public void A_deserializer_that_throws_names_the_record_and_the_consumer_goes_on_after_a_seek_past_it()
    {
        Produce(T0, 10);
        var consumer = Consumer(values: new FailingDeserializer("v3"));
        consumer.Assign([new TopicPartitionOffset(T0, 0)]);

        var (read, error) = ReadUntilError(consumer);

        Assert.Equal([0, 1, 2], read.Select(r => (int)r.Offset));
        var failure = Assert.IsType<ConsumeException>(error);
        Assert.Equal(new TopicPartitionOffset(T0, 3), failure.Position);
        Assert.Equal(4, failure.NextOffset);
        Assert.Contains("value deserializer failed", failure.Message);
        Assert.IsType<FormatException>(failure.InnerException);
        Assert.Equal(3, consumer.Position(T0));

        consumer.Seek(new TopicPartitionOffset(T0, failure.NextOffset!.Value));
        Assert.Equal([4, 5, 6, 7, 8, 9], Read(consumer, 6).Select(r => (int)r.Offset));
    }

    [Theory]
    [InlineData(AutoOffsetReset.Earliest, 0)]
    [InlineData(AutoOffsetReset.Latest, 5)]
    public void An_out_of_range_position_resets_where_auto_offset_reset_says(AutoOffsetReset reset, int first)
    {
        Produce(T0, 5);
        var consumer = Consumer(Options with { AutoOffsetReset = reset });
        consumer.Assign([new TopicPartitionOffset(T0, 1000)]);
        Scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(first, consumer.Position(T0));

        Produce(T0, 2, first: 5);
        Assert.Equal(first, Read(consumer, 1)[0].Offset);
    }

    [Fact]
    public void An_out_of_range_position_without_a_reset_fails_naming_the_partition_and_offset()
    {
        Produce(T0, 5);
        var consumer = Consumer(Options with { AutoOffsetReset = AutoOffsetReset.None });
        consumer.Assign([new TopicPartitionOffset(T0, 1000)]);

        var failure = Assert.IsType<ConsumeException>(ReadUntilError(consumer).Error);
        Assert.Equal(ErrorCode.OffsetOutOfRange, failure.ErrorCode);
        Assert.Equal(new TopicPartitionOffset(T0, 1000), failure.Position);
        Assert.Contains("auto.offset.reset is none", failure.Message);
    }

    [Fact]
    public void An_unknown_topic_is_an_error_naming_it()
    {
        Cluster.AutoCreateTopics = false; // as production brokers are set up; with it on, the topic would be made
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset("missing", 0, 0)]);

        var failure = Assert.IsType<ConsumeException>(ReadUntilError(consumer, TimeSpan.FromSeconds(30)).Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, failure.ErrorCode);
        Assert.Contains("'missing'", failure.Message);
    }

    [Fact]
    public void A_partition_beyond_the_topics_count_is_an_error_naming_the_count()
    {
        var consumer = Consumer();
        consumer.Assign([new TopicPartitionOffset("t", 7, 0)]);

        var failure = Assert.IsType<ConsumeException>(ReadUntilError(consumer).Error);
        Assert.Contains("partitions 0 to 2, not 7", failure.Message);
    }

    [Fact]
    public void A_batch_that_fails_its_crc_names_partition_and_offset_and_where_to_seek_to_skip_it()
    {
        var good = Batch(0, "a", "b");
        var bad = Batch(2, "c", "d");
        bad[RecordBatch.HeaderSize + 3] ^= 0xFF; // a record byte: the CRC no longer matches
        var records = good.Concat(bad).Concat(Batch(4, "e")).ToArray();
        var state = new PartitionState(T0);
        var chunk = new FetchedChunk { State = state, Version = 0, FetchOffset = 0, NextOffset = 5, Records = records };
        using var reader = new ChunkReader(new ConsumerOptions());
        reader.Start(chunk);

        Assert.True(reader.TryRead());
        var first = reader.Current;
        Assert.True(reader.TryRead());
        var second = reader.Current;
        var failure = Assert.Throws<ConsumeException>(() => reader.TryRead());

        Assert.Equal((0, 1), (first.Offset, second.Offset));
        Assert.Equal(new TopicPartitionOffset(T0, 2), failure.Position);
        Assert.Equal(ErrorCode.CorruptMessage, failure.ErrorCode);
        Assert.Equal(4, failure.NextOffset);
        Assert.Contains("CRC", failure.Message);
    }

    private static byte[] Batch(long baseOffset, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var value in values)
        {
            builder.Append(Time0, null, Encoding.UTF8.GetBytes(value));
        }

        var bytes = builder.Build(CompressionType.None).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, baseOffset);
        return bytes;
    }
}
