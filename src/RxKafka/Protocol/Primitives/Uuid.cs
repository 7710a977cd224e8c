using System.Buffers.Binary;

namespace RxKafka.Protocol.Primitives;

/// <summary>
/// Kafka UUIDs on the wire are 16 bytes, most significant long first. They are exposed as
/// <see cref="Guid"/> built from those bytes in big-endian order, so the bytes round-trip exactly.
/// </summary>
internal static class Uuid
{
    public static Guid Read(ReadOnlySpan<byte> source) => new(source[..16], bigEndian: true);

    public static void Write(Span<byte> destination, Guid value)
    {
        if (!value.TryWriteBytes(destination, bigEndian: true, out _))
        {
            throw new ArgumentException("destination is shorter than 16 bytes", nameof(destination));
        }
    }

    /// <summary>The most significant 64 bits, as Kafka's Java Uuid names them.</summary>
    public static long MostSignificantBits(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        Write(bytes, value);
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }
}
