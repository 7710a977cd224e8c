using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Array lengths: int32 and compact counts, null, and counts that claim more elements than bytes remain.</summary>
public sealed class ArrayLengthTests
{
    private const long SmallAllocation = 16 * 1024;

    [Theory]
    [InlineData(0, false, "00000000")]
    [InlineData(0, true, "01")]
    [InlineData(3, false, "00000003")]
    [InlineData(3, true, "04")]
    [InlineData(127, true, "8001")]
    [InlineData(-1, false, "FFFFFFFF")]
    [InlineData(-1, true, "00")]
    public void Array_length_encodings(int count, bool compact, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteArrayLength(count, compact));

        // The reader accepts a count only when that many bytes follow, so give it the elements.
        var withElements = Hex(hex).Concat(new byte[Math.Max(count, 0)]).ToArray();
        var reader = new KafkaReader(withElements);
        Assert.Equal(count, reader.ReadArrayLength(compact));
        Assert.Equal(Math.Max(count, 0), reader.Remaining);
    }

    [Fact]
    public void A_count_equal_to_the_bytes_left_is_accepted_and_one_more_is_not()
    {
        var reader = new KafkaReader(Hex("00000004 01020304"));
        Assert.Equal(4, reader.ReadArrayLength(false));

        var e = ReadFails("00000005 01020304", (ref KafkaReader r) => r.ReadArrayLength(false));
        Assert.Equal("bad array length: 5 elements claimed at offset 0 but only 4 bytes left", e.Message);
    }

    [Theory]
    [InlineData(false, "FFFFFFFE", "negative length: array length -2 at offset 0")]
    [InlineData(false, "80000000", "negative length: array length -2147483648 at offset 0")]
    public void A_count_below_minus_one_is_a_negative_length(bool compact, string hex, string message)
        => Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadArrayLength(compact)).Message);

    [Theory]
    [InlineData(false, "7FFFFFFF 0102", "bad array length: 2147483647 elements claimed at offset 0 but only 2 bytes left")]
    [InlineData(true, "FFFFFFFF07 0102", "bad array length: 2147483646 elements claimed at offset 0 but only 2 bytes left")]
    [InlineData(true, "8180808008 0102", "bad array length: compact length 2147483649 at offset 0 is larger than any buffer")]
    [InlineData(true, "FFFFFFFF0F", "bad array length: compact length 4294967295 at offset 0 is larger than any buffer")]
    public void A_huge_count_with_few_bytes_left_is_rejected_without_allocating(bool compact, string hex, string message)
    {
        var bytes = Hex(hex);
        ReadFails(bytes, (ref KafkaReader r) => r.ReadArrayLength(compact)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(bytes, (ref KafkaReader r) => r.ReadArrayLength(compact));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(message, e.Message);
        Assert.True(allocated < SmallAllocation, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData((short)0, "7FFFFFFF 0000")]
    [InlineData((short)9, "FFFFFFFF07 00")]
    public void A_generated_message_with_a_huge_array_count_fails_cheaply(short version, string hex)
    {
        // MetadataRequest starts with its Topics array (int32 count before v9, compact from v9).
        var bytes = Hex(hex);
        Decode(bytes, version); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Decode(bytes, version);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("bad array length", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < SmallAllocation, $"allocated {allocated} bytes");

        static KafkaProtocolException Decode(byte[] bytes, short version)
            => Assert.Throws<KafkaProtocolException>(() =>
            {
                var reader = new KafkaReader(bytes);
                new MetadataRequest().Read(ref reader, version);
            });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_writer_refuses_counts_below_minus_one(bool compact)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteArrayLength(-2, compact);
        });
        Assert.Equal("count", e.ParamName);
    }

    [Fact]
    public void An_int32_array_of_strings_round_trips()
    {
        string[] names = ["a", "", "topic-ü"];
        var bytes = Buffered((ref KafkaWriter w) =>
        {
            w.WriteArrayLength(names.Length, false);
            foreach (var name in names)
            {
                w.WriteString(name, false);
            }
        });

        // count 3 | "a" 0001 61 | "" 0000 | "topic-ü" 0008 746F7069632DC3BC
        Assert.Equal("00000003 0001 61 0000 0008 746F7069632DC3BC".Replace(" ", "", StringComparison.Ordinal), ToHex(bytes));
        var reader = new KafkaReader(bytes);
        var count = reader.ReadArrayLength(false);
        var read = new string[count];
        for (var i = 0; i < count; i++)
        {
            read[i] = reader.ReadString(false);
        }

        Assert.Equal(names, read);
        Assert.True(reader.End);
    }
}
