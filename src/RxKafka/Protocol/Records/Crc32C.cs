using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RxKafka.Protocol.Records;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of record batches v2. Uses the CPU's CRC32C instruction
/// through <see cref="BitOperations.Crc32C(uint, ulong)"/>; large inputs are split into three
/// interleaved streams so the instruction's latency is hidden, and the three partial CRCs are
/// joined with precomputed "append N zero bytes" tables (the CRC is linear over GF(2)).
/// </summary>
internal static class Crc32C
{
    // Block sizes of the three-stream loops; each gets its own shift table.
    private const int LongBlock = 8192;
    private const int ShortBlock = 256;

    private static readonly uint[] LongShift = BuildShiftTable(LongBlock);
    private static readonly uint[] ShortShift = BuildShiftTable(ShortBlock);

    /// <summary>Computes the CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    /// <summary>Continues a CRC-32C returned by <see cref="Compute"/> or <see cref="Append"/> over more data.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>Advances a raw CRC register (no pre/post inversion) over <paramref name="data"/>.</summary>
    internal static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref var p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        if (length >= 3 * LongBlock)
        {
            crc = ThreeWay(crc, ref p, ref i, length, LongBlock, LongShift);
        }

        if (length - i >= 3 * ShortBlock)
        {
            crc = ThreeWay(crc, ref p, ref i, length, ShortBlock, ShortShift);
        }

        for (; length - i >= 8; i += 8)
        {
            crc = BitOperations.Crc32C(crc, ReadUInt64(ref p, i));
        }

        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref p, i));
        }

        return crc;
    }

    /// <summary>Runs three independent CRC streams over consecutive blocks and joins them.</summary>
    private static uint ThreeWay(uint crc, ref byte p, ref nuint i, nuint length, int block, uint[] shift)
    {
        var b = (nuint)block;
        while (length - i >= 3 * b)
        {
            uint c0 = crc, c1 = 0, c2 = 0;
            nuint start = i, end = i + b;
            for (nuint j = start; j < end; j += 8)
            {
                c0 = BitOperations.Crc32C(c0, ReadUInt64(ref p, j));
                c1 = BitOperations.Crc32C(c1, ReadUInt64(ref p, j + b));
                c2 = BitOperations.Crc32C(c2, ReadUInt64(ref p, j + (2 * b)));
            }

            crc = Shift(shift, Shift(shift, c0) ^ c1) ^ c2;
            i += 3 * b;
        }

        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadUInt64(ref byte p, nuint offset)
    {
        var value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, offset));
        // The CRC instruction consumes the bytes in memory order, i.e. the little-endian value.
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    /// <summary>Applies "append block zero bytes" to a raw CRC register with a 4 x 256 table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint[] table, uint crc)
    {
        ref var t = ref MemoryMarshal.GetArrayDataReference(table);
        return Unsafe.Add(ref t, (int)(crc & 0xFF))
            ^ Unsafe.Add(ref t, 256 + (int)((crc >> 8) & 0xFF))
            ^ Unsafe.Add(ref t, 512 + (int)((crc >> 16) & 0xFF))
            ^ Unsafe.Add(ref t, 768 + (int)(crc >> 24));
    }

    /// <summary>
    /// Builds the table of the linear map "feed <paramref name="zeros"/> zero bytes into the
    /// register": first the image of each of the 32 single-bit registers, then every byte value
    /// at each of the four byte positions as the xor of its bits' images.
    /// </summary>
    private static uint[] BuildShiftTable(int zeros)
    {
        Span<uint> columns = stackalloc uint[32];
        for (var bit = 0; bit < 32; bit++)
        {
            var register = 1u << bit;
            for (var n = 0; n < zeros; n += 8)
            {
                register = BitOperations.Crc32C(register, 0UL);
            }

            columns[bit] = register;
        }

        var table = new uint[4 * 256];
        for (var position = 0; position < 4; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                uint image = 0;
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((value & (1 << bit)) != 0)
                    {
                        image ^= columns[(position * 8) + bit];
                    }
                }

                table[(position * 256) + value] = image;
            }
        }

        return table;
    }
}
