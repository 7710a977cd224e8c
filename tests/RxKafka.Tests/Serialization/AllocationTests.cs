using System.Buffers;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>
/// The producer's fire-and-forget path allocates nothing per record for byte[], memory, string and
/// integer keys and values: serializing them into a buffer that has room allocates nothing, and
/// neither does reading the numbers back. (JSON, not promised, manages it too once warm.)
/// </summary>
public sealed class AllocationTests
{
    private const int Records = 1000;

    private static readonly string Text = "order-42 · héllo € \U0001D11E";
    private static readonly byte[] Bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly ReadOnlyMemory<byte> Memory = new byte[64].AsMemory(8, 16);

    [Fact]
    public void Utf8_serialization_allocates_nothing() => AssertAllocatesNothing(Serializers.Utf8, Text);

    [Fact]
    public void Int32_serialization_allocates_nothing() => AssertAllocatesNothing(Serializers.Int32, -123456);

    [Fact]
    public void Int64_serialization_allocates_nothing() => AssertAllocatesNothing(Serializers.Int64, long.MinValue + 7);

    [Fact]
    public void ByteArray_serialization_allocates_nothing() => AssertAllocatesNothing(Serializers.ByteArray, Bytes);

    [Fact]
    public void ReadOnlyMemory_serialization_allocates_nothing() => AssertAllocatesNothing(Serializers.ReadOnlyMemory, Memory);

    [Fact]
    public void The_other_fixed_width_serializers_allocate_nothing()
    {
        AssertAllocatesNothing(Serializers.Int16, (short)-2);
        AssertAllocatesNothing(Serializers.Double, 1.5);
        AssertAllocatesNothing(Serializers.Single, 1.5f);
        AssertAllocatesNothing(Serializers.Guid, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"));
        AssertAllocatesNothing(Serializers.Nullable(Serializers.Int64), 5L);
    }

    [Fact]
    public void Json_allocates_nothing_per_record_once_warm_with_a_source_generated_context_or_reflection()
    {
        var order = new Order("o-1", 3, 1_700_000_000_000, "héllo");

        // Not promised, so not held to zero: about one run in ten, 128 bytes appear once in the measured
        // thousand (a one-off inside the runtime or System.Text.Json, not pinned down), never per record.
        AssertAllocatesNothing(Serializers.Json(OrderJsonContext.Default.Order), order, oneOff: 256);
        AssertAllocatesNothing(Serializers.Json<Order>(), order, oneOff: 256);
    }

    [Fact]
    public void Null_keys_and_tombstones_allocate_nothing()
    {
        AssertAllocatesNothing(Serializers.Utf8, null);
        AssertAllocatesNothing(Serializers.ByteArray, null);
        AssertAllocatesNothing(Serializers.Null, default);
    }

    [Fact]
    public void Reading_numbers_allocates_nothing()
    {
        var context = Context();
        var int32 = Write(Serializers.Int32, 7)!;
        var int64 = Write(Serializers.Int64, 7L)!;
        var float64 = Write(Serializers.Double, 7.0)!;

        long Read()
        {
            long sum = 0;
            for (var i = 0; i < Records; i++)
            {
                sum += Deserializers.Int32.Deserialize(int32, false, context);
                sum += Deserializers.Int64.Deserialize(int64, false, context);
                sum += (long)Deserializers.Double.Deserialize(float64, false, context);
            }

            return sum;
        }

        Read(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = Read();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(21L * Records, total);
    }

    /// <summary>Serializes <see cref="Records"/> values into a pre-sized buffer, as the producer does into a pooled one, through the interface as it will.</summary>
    private static void AssertAllocatesNothing<T>(ISerializer<T> serializer, T value, long oneOff = 0)
    {
        var context = Context(MessageComponentType.Key);
        var one = Write(serializer, value)?.Length ?? 0;
        var output = new ArrayBufferWriter<byte>(((one * 3) + 3) * Records + 4096);

        SerializeAll(serializer, value, output, context); // warm up: tiering, statics
        output.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var nulls = SerializeAll(serializer, value, output, context);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, oneOff);
        Assert.Equal(one * (Records - nulls), output.WrittenCount);
    }

    private static int SerializeAll<T>(ISerializer<T> serializer, T value, ArrayBufferWriter<byte> output, in SerializationContext context)
    {
        var nulls = 0;
        for (var i = 0; i < Records; i++)
        {
            if (serializer.IsNull(value))
            {
                nulls++;
                continue;
            }

            serializer.Serialize(value, output, context);
        }

        return nulls;
    }
}
