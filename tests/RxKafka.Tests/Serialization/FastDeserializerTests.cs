using RxKafka.Serialization;

namespace RxKafka.Tests.Serialization;

// The consumer skips a deserializer call only where the built-in one's answer is known: these pin which, and that
// the skipped answer is the one the deserializer itself gives.
public sealed class FastDeserializerTests
{
    private static readonly SerializationContext Context = new("t", MessageComponentType.Value, new Headers());

    [Fact]
    public void A_null_read_by_ByteArray_or_Utf8_is_null_without_a_call()
    {
        Assert.True(FastDeserializer<byte[]?>.TryNull(Deserializers.ByteArray, isNull: true, out var bytes));
        Assert.Null(bytes);
        Assert.Null(Deserializers.ByteArray.Deserialize(default, true, Context));
        Assert.True(FastDeserializer<string?>.TryNull(Deserializers.Utf8, isNull: true, out var text));
        Assert.Null(text);
        Assert.Null(Deserializers.Utf8.Deserialize(default, true, Context));
    }

    [Fact]
    public void Bytes_that_are_not_null_still_go_to_the_deserializer()
    {
        Assert.False(FastDeserializer<byte[]?>.TryNull(Deserializers.ByteArray, isNull: false, out _));
        Assert.False(FastDeserializer<string?>.TryNull(Deserializers.Utf8, isNull: false, out _));
    }

    [Fact]
    public void Ignore_is_never_called()
    {
        Assert.True(FastDeserializer<Ignore>.TryNull(Deserializers.Ignore, isNull: false, out var ignored));
        Assert.Equal(default, ignored);
        Assert.True(FastDeserializer<Ignore>.TryNull(Deserializers.Ignore, isNull: true, out _));
    }

    [Fact]
    public void Other_deserializers_are_always_called_even_for_a_null()
    {
        // One that has no null (it throws on one) and one of the application's own must see every null.
        Assert.False(FastDeserializer<ReadOnlyMemory<byte>>.TryNull(Deserializers.ReadOnlyMemory, isNull: true, out _));
        Assert.False(FastDeserializer<int>.TryNull(Deserializers.Int32, isNull: true, out _));
        Assert.False(FastDeserializer<string>.TryNull(new Counting(), isNull: true, out _));
    }

    private sealed class Counting : IDeserializer<string>
    {
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => isNull ? "was null" : "bytes";
    }
}
