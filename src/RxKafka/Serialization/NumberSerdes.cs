using System.Buffers;
using System.Buffers.Binary;

namespace RxKafka.Serialization;

// The Java client's fixed-width formats: two's complement or IEEE 754, big-endian, no length or tag.

/// <summary>A short as 2 big-endian bytes (Java's ShortSerializer).</summary>
internal sealed class Int16Serde : ISerializer<short>, IDeserializer<short>
{
    public bool IsNull(short value) => false;

    public void Serialize(short value, IBufferWriter<byte> output, in SerializationContext context)
    {
        BinaryPrimitives.WriteInt16BigEndian(output.GetSpan(sizeof(short)), value);
        output.Advance(sizeof(short));
    }

    public short Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BinaryPrimitives.ReadInt16BigEndian(Checks.ExactLength(data, isNull, context, sizeof(short), "an Int16"));
}

/// <summary>An int as 4 big-endian bytes (Java's IntegerSerializer).</summary>
internal sealed class Int32Serde : ISerializer<int>, IDeserializer<int>
{
    public bool IsNull(int value) => false;

    public void Serialize(int value, IBufferWriter<byte> output, in SerializationContext context)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(sizeof(int)), value);
        output.Advance(sizeof(int));
    }

    public int Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BinaryPrimitives.ReadInt32BigEndian(Checks.ExactLength(data, isNull, context, sizeof(int), "an Int32"));
}

/// <summary>A long as 8 big-endian bytes (Java's LongSerializer).</summary>
internal sealed class Int64Serde : ISerializer<long>, IDeserializer<long>
{
    public bool IsNull(long value) => false;

    public void Serialize(long value, IBufferWriter<byte> output, in SerializationContext context)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(sizeof(long)), value);
        output.Advance(sizeof(long));
    }

    public long Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BinaryPrimitives.ReadInt64BigEndian(Checks.ExactLength(data, isNull, context, sizeof(long), "an Int64"));
}

/// <summary>A float's raw IEEE 754 bits, big-endian (Java's FloatSerializer uses floatToRawIntBits: NaN payloads are kept).</summary>
internal sealed class SingleSerde : ISerializer<float>, IDeserializer<float>
{
    public bool IsNull(float value) => false;

    public void Serialize(float value, IBufferWriter<byte> output, in SerializationContext context)
    {
        BinaryPrimitives.WriteSingleBigEndian(output.GetSpan(sizeof(float)), value);
        output.Advance(sizeof(float));
    }

    public float Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BinaryPrimitives.ReadSingleBigEndian(Checks.ExactLength(data, isNull, context, sizeof(float), "a Single"));
}

/// <summary>
/// A double's IEEE 754 bits, big-endian, every NaN written as the canonical 7FF8000000000000 (Java's
/// DoubleSerializer uses doubleToLongBits, which collapses NaNs; .NET's <see cref="double.NaN"/> is FFF8000000000000).
/// </summary>
internal sealed class DoubleSerde : ISerializer<double>, IDeserializer<double>
{
    private const long CanonicalNaN = 0x7FF8_0000_0000_0000;

    public bool IsNull(double value) => false;

    public void Serialize(double value, IBufferWriter<byte> output, in SerializationContext context)
    {
        var bits = double.IsNaN(value) ? CanonicalNaN : BitConverter.DoubleToInt64Bits(value);
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(sizeof(double)), bits);
        output.Advance(sizeof(double));
    }

    public double Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BinaryPrimitives.ReadDoubleBigEndian(Checks.ExactLength(data, isNull, context, sizeof(double), "a Double"));
}
