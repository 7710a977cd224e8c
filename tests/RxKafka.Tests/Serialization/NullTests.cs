using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>
/// Nulls stay nulls: a null key or a tombstone value is a Kafka null (length -1), never empty bytes,
/// and empty bytes are never read back as null.
/// </summary>
public sealed class NullTests
{
    [Theory]
    [InlineData(MessageComponentType.Key)]
    [InlineData(MessageComponentType.Value)]
    public void A_null_key_or_tombstone_is_a_Kafka_null_and_reads_back_as_null(MessageComponentType component)
    {
        Assert.Null(Write(Serializers.ByteArray, null, component));
        Assert.Null(Write(Serializers.Utf8, null, component));
        Assert.Null(Write(Serializers.Json<Order>(), null, component));
        Assert.Null(Write(Serializers.Nullable(Serializers.Int64), null, component));
        Assert.Null(Write(Serializers.Null, default, component));

        Assert.Null(Read(Deserializers.ByteArray, null, component));
        Assert.Null(Read(Deserializers.Utf8, null, component));
        Assert.Null(Read(Deserializers.Json<Order>(), null, component));
        Assert.Null(Read(Deserializers.Nullable(Deserializers.Int64), null, component));
    }

    [Fact]
    public void Empty_is_not_null_either_way()
    {
        Assert.Equal<byte[]?>([], Write(Serializers.ByteArray, []));
        Assert.Equal<byte[]?>([], Write(Serializers.Utf8, ""));
        Assert.Equal<byte[]?>([], Write(Serializers.ReadOnlyMemory, default));

        Assert.Equal<byte[]?>([], Read(Deserializers.ByteArray, []));
        Assert.Equal("", Read(Deserializers.Utf8, []));
    }

    [Fact]
    public void Values_of_types_without_null_are_never_Kafka_nulls()
    {
        Assert.False(Serializers.Int32.IsNull(0));
        Assert.False(Serializers.Int64.IsNull(0));
        Assert.False(Serializers.Int16.IsNull(0));
        Assert.False(Serializers.Double.IsNull(0));
        Assert.False(Serializers.Single.IsNull(0));
        Assert.False(Serializers.Guid.IsNull(System.Guid.Empty));
        Assert.False(Serializers.ReadOnlyMemory.IsNull(default));
        Assert.Equal("00000000", Hex(Serializers.Nullable(Serializers.Int32), 0));
    }

    [Fact]
    public void Ignore_is_always_a_Kafka_null_and_reads_anything()
    {
        Assert.True(Serializers.Null.IsNull(default));
        Assert.Equal(default, Read(Deserializers.Ignore, null));
        Assert.Equal(default, Read(Deserializers.Ignore, [1, 2, 3]));
    }

    [Fact]
    public void A_serializer_that_does_not_say_inherits_null_means_null()
    {
        var serializer = new LengthPrefixedSerializer();

        Assert.True(((ISerializer<string?>)serializer).IsNull(null));
        Assert.Equal("0161", Hex(serializer, "a"));
    }

    [Fact]
    public void A_null_handed_to_Serialize_is_refused_rather_than_written_as_empty_bytes()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentNullException>(() => Serializers.ByteArray.Serialize(null, output, Context()));
        Assert.Throws<ArgumentNullException>(() => Serializers.Utf8.Serialize(null, output, Context()));
        Assert.Throws<ArgumentNullException>(() => Serializers.Json<Order>().Serialize(null, output, Context()));
        Assert.Throws<ArgumentNullException>(() => Serializers.Nullable(Serializers.Int32).Serialize(null, output, Context()));
        Assert.Equal(0, output.WrittenCount);
    }

    /// <summary>A user's serializer that only implements Serialize: IsNull comes from the interface.</summary>
    private sealed class LengthPrefixedSerializer : ISerializer<string?>
    {
        public void Serialize(string? value, System.Buffers.IBufferWriter<byte> output, in SerializationContext context)
        {
            var span = output.GetSpan(1 + value!.Length);
            span[0] = (byte)value.Length;
            System.Text.Encoding.ASCII.GetBytes(value, span[1..]);
            output.Advance(1 + value.Length);
        }
    }
}
