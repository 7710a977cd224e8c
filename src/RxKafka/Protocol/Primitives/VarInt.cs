using System.Runtime.CompilerServices;

namespace RxKafka.Protocol.Primitives;

/// <summary>
/// Varint codecs over spans, as Kafka uses them: unsigned LEB128 (at most 5 bytes for 32 bits,
/// 10 for 64), and zig-zag for signed values. Used by the message codecs and by the record-batch
/// hot path, so nothing here allocates or throws.
/// </summary>
internal static class VarInt
{
    /// <summary>The most bytes a 32-bit varint may take.</summary>
    public const int MaxLength32 = 5;

    /// <summary>The most bytes a 64-bit varint may take.</summary>
    public const int MaxLength64 = 10;

    /// <summary>Reads an unsigned 32-bit varint. Returns bytes read, 0 when the input ends first, -1 when it is too long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryReadUnsigned(ReadOnlySpan<byte> source, out uint value)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            value = source[0];
            return 1;
        }

        return TryReadUnsignedSlow(source, out value);
    }

    private static int TryReadUnsignedSlow(ReadOnlySpan<byte> source, out uint value)
    {
        uint result = 0;
        for (var i = 0; i < MaxLength32; i++)
        {
            if (i >= source.Length)
            {
                value = 0;
                return 0;
            }

            uint b = source[i];
            if (i == MaxLength32 - 1 && b > 0x0F)
            {
                // The fifth byte may carry only the top 4 bits of a 32-bit value.
                value = 0;
                return -1;
            }

            result |= (b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = result;
                return i + 1;
            }
        }

        value = 0;
        return -1;
    }

    /// <summary>Reads an unsigned 64-bit varint. Returns bytes read, 0 when the input ends first, -1 when it is too long.</summary>
    public static int TryReadUnsigned64(ReadOnlySpan<byte> source, out ulong value)
    {
        ulong result = 0;
        for (var i = 0; i < MaxLength64; i++)
        {
            if (i >= source.Length)
            {
                value = 0;
                return 0;
            }

            ulong b = source[i];
            if (i == MaxLength64 - 1 && b > 0x01)
            {
                value = 0;
                return -1;
            }

            result |= (b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = result;
                return i + 1;
            }
        }

        value = 0;
        return -1;
    }

    /// <summary>Reads a zig-zag signed 32-bit varint. Returns bytes read, 0 when truncated, -1 when too long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryReadSigned(ReadOnlySpan<byte> source, out int value)
    {
        var read = TryReadUnsigned(source, out var raw);
        value = (int)(raw >> 1) ^ -(int)(raw & 1);
        return read;
    }

    /// <summary>Reads a zig-zag signed 64-bit varint. Returns bytes read, 0 when truncated, -1 when too long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryReadSigned64(ReadOnlySpan<byte> source, out long value)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            uint b = source[0];
            value = (long)(b >> 1) ^ -(long)(b & 1);
            return 1;
        }

        var read = TryReadUnsigned64(source, out var raw);
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return read;
    }

    /// <summary>The number of bytes <paramref name="value"/> takes as an unsigned varint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUnsigned(uint value) => (31 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7 + 1;

    /// <summary>The number of bytes <paramref name="value"/> takes as an unsigned 64-bit varint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfUnsigned64(ulong value) => (63 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7 + 1;

    /// <summary>The number of bytes <paramref name="value"/> takes as a zig-zag varint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfSigned(int value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>The number of bytes <paramref name="value"/> takes as a zig-zag varlong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOfSigned64(long value) => SizeOfUnsigned64(ZigZag64(value));

    /// <summary>Zig-zag encodes a 32-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    /// <summary>Zig-zag encodes a 64-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZag64(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>Writes an unsigned varint; the destination must hold <see cref="SizeOfUnsigned"/> bytes. Returns bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUnsigned(Span<byte> destination, uint value)
    {
        if (value < 0x80)
        {
            destination[0] = (byte)value;
            return 1;
        }

        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Writes an unsigned 64-bit varint. Returns bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUnsigned64(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Writes a zig-zag signed varint. Returns bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteSigned(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag(value));

    /// <summary>Writes a zig-zag signed varlong. Returns bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteSigned64(Span<byte> destination, long value) => WriteUnsigned64(destination, ZigZag64(value));
}
