using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace RxKafka.Serialization;

// The Java client's fixed-width formats: two's complement or IEEE 754 bits, big-endian, no length or tag.

/// <summary>
/// An integer as its two's complement bytes, big-endian: Java's ShortSerializer (2 bytes),
/// IntegerSerializer (4) and LongSerializer (8).
/// </summary>
internal sealed class BigEndianIntegerSerde<T> : ISerializer<T>, IDeserializer<T>
    where T : unmanaged, IBinaryInteger<T>
{
    public static readonly BigEndianIntegerSerde<T> Instance = new();

    private static readonly string Format = $"an {typeof(T).Name}"; // an Int16, an Int32, an Int64

    private BigEndianIntegerSerde()
    {
    }

    public bool IsNull(T value) => false;

    public void Serialize(T value, IBufferWriter<byte> output, in SerializationContext context) => BigEndian.Write(output, value);

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => BigEndian.Read<T>(data, isNull, context, Format);
}

/// <summary>A float's raw IEEE 754 bits, big-endian (Java's FloatSerializer uses floatToRawIntBits: NaN payloads are kept).</summary>
internal sealed class SingleSerde : ISerializer<float>, IDeserializer<float>
{
    public bool IsNull(float value) => false;

    public void Serialize(float value, IBufferWriter<byte> output, in SerializationContext context) =>
        BigEndian.Write(output, BitConverter.SingleToInt32Bits(value));

    public float Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BitConverter.Int32BitsToSingle(BigEndian.Read<int>(data, isNull, context, "a Single"));
}

/// <summary>
/// A double's IEEE 754 bits, big-endian, every NaN written as the canonical 7FF8000000000000 (Java's
/// DoubleSerializer uses doubleToLongBits, which collapses NaNs; .NET's <see cref="double.NaN"/> is FFF8000000000000).
/// </summary>
internal sealed class DoubleSerde : ISerializer<double>, IDeserializer<double>
{
    private const long CanonicalNaN = 0x7FF8_0000_0000_0000;

    public bool IsNull(double value) => false;

    public void Serialize(double value, IBufferWriter<byte> output, in SerializationContext context) =>
        BigEndian.Write(output, double.IsNaN(value) ? CanonicalNaN : BitConverter.DoubleToInt64Bits(value));

    public double Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        BitConverter.Int64BitsToDouble(BigEndian.Read<long>(data, isNull, context, "a Double"));
}

/// <summary>Big-endian integers in and out of a record. Generic over the integer types, specialised by the JIT, so nothing is boxed.</summary>
internal static class BigEndian
{
    public static void Write<T>(IBufferWriter<byte> output, T value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value.TryWriteBigEndian(output.GetSpan(Unsafe.SizeOf<T>()), out var written);
        output.Advance(written);
    }

    public static T Read<T>(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context, string format)
        where T : unmanaged, IBinaryInteger<T> =>
        T.ReadBigEndian(Checks.ExactLength(data, isNull, context, Unsafe.SizeOf<T>(), format), isUnsigned: false);
}
