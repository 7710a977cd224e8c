using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;

namespace RxKafka.Tests.Protocol.Records;

public sealed class RecordBatchAllocationTests
{
    private static byte[] ThousandRecords()
    {
        using var builder = new RecordBatchBuilder();
        var value = new byte[100];
        RecordHeader[] headers = [new("trace", new byte[8]), new("n", (byte[]?)null)];
        for (var i = 0; i < 1000; i++)
        {
            builder.Append(1_700_000_000_000 + i, BitConverter.GetBytes(i), value, headers);
        }

        return builder.Build().ToArray();
    }

    private static long Iterate(RecordBatchReader reader, ReadOnlyMemory<byte> bytes)
    {
        long sum = 0;
        reader.Reset(bytes);
        while (reader.TryReadBatch(out var batch))
        {
            foreach (var record in batch)
            {
                sum += record.Key.Length + record.Value.Length + record.Offset;
                foreach (var header in record.Headers)
                {
                    sum += header.KeyUtf8.Length + header.Value.Length;
                }
            }
        }

        return sum;
    }

    [Fact]
    public void Iterating_an_uncompressed_batch_allocates_nothing()
    {
        var bytes = ThousandRecords();
        using var reader = new RecordBatchReader(bytes);
        var expected = Iterate(reader, bytes); // warm up (JIT, statics)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = Iterate(reader, bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, sum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Iterating_legacy_messages_allocates_nothing()
    {
        using var builder = new LegacyMessageSetBuilder(1);
        for (var i = 0; i < 500; i++)
        {
            builder.Append(i, BitConverter.GetBytes(i), new byte[100]);
        }

        var bytes = builder.Build().ToArray();
        using var reader = new RecordBatchReader(bytes);
        var expected = Iterate(reader, bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = Iterate(reader, bytes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, sum);
    }

    [Fact]
    public void A_warm_builder_allocates_nothing_per_record()
    {
        using var builder = new RecordBatchBuilder();
        var key = new byte[8];
        var value = new byte[100];
        RecordHeader[] headers = [new("trace", new byte[8])];

        int Build()
        {
            builder.Reset();
            builder.ProducerId = 9;
            for (var i = 0; i < 1000; i++)
            {
                builder.Append(1_700_000_000_000 + i, key, value, headers);
            }

            return builder.Build(CompressionType.None).Length;
        }

        var expected = Build();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var length = Build();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, length);
    }
}
