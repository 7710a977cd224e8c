// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of legacy messages
/// (magic 0 and 1) and of the gzip trailer. A slicing-by-8 table implementation: eight bytes per step through eight
/// 256-entry tables.
/// </summary>
internal static class OldCrc32
{
    private const uint Polynomial = 0xEDB88320u;

    // Eight tables of 256 entries, back to back: table k advances a byte k positions further.
    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32 of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    /// <summary>Continues a CRC-32 returned by <see cref="Compute"/> or <see cref="Append"/> over more data.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref var t = ref MemoryMarshal.GetArrayDataReference(Table);
        ref var p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        for (; length - i >= 8; i += 8)
        {
            var low = crc ^ BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, i), 4));
            var high = BinaryPrimitives.ReadUInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, i + 4), 4));
            crc = Unsafe.Add(ref t, (7 * 256) + (int)(low & 0xFF))
                ^ Unsafe.Add(ref t, (6 * 256) + (int)((low >> 8) & 0xFF))
                ^ Unsafe.Add(ref t, (5 * 256) + (int)((low >> 16) & 0xFF))
                ^ Unsafe.Add(ref t, (4 * 256) + (int)(low >> 24))
                ^ Unsafe.Add(ref t, (3 * 256) + (int)(high & 0xFF))
                ^ Unsafe.Add(ref t, (2 * 256) + (int)((high >> 8) & 0xFF))
                ^ Unsafe.Add(ref t, 256 + (int)((high >> 16) & 0xFF))
                ^ Unsafe.Add(ref t, (int)(high >> 24));
        }

        for (; i < length; i++)
        {
            crc = (crc >> 8) ^ Unsafe.Add(ref t, (int)((crc ^ Unsafe.Add(ref p, i)) & 0xFF));
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        for (var n = 0; n < 256; n++)
        {
            var c = table[n];
            for (var k = 1; k < 8; k++)
            {
                c = table[c & 0xFF] ^ (c >> 8);
                table[(k * 256) + n] = c;
            }
        }

        return table;
    }
}
