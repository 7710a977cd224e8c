// The pre-change baseline (before the managed codecs): kept in the benchmark project only, so that
// CompressionBenchmarks can measure old against new in one run. Not used by the library or its tests.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using OutputLimit = RxKafka.Protocol.Compression.OutputLimit;

namespace RxKafka.Benchmarks.OldCodecs;

/// <summary>
/// The raw snappy block format: a varint uncompressed length, then elements, each a literal
/// (tag 00) or a back-reference copy with a 1-, 2- or 4-byte offset (tags 01, 10, 11).
/// The compressor hashes 4-byte sequences per 64 KiB fragment and skips ahead faster the longer
/// it finds nothing, the way the reference implementation behaves.
/// </summary>
internal static unsafe class OldSnappyRaw
{
    private const int FragmentSize = 1 << 16;
    private const int MaxHashTableBits = 14;
    private const int MinHashTableBits = 8;

    /// <summary>Bytes before a fragment's end the match finder stops at (so 4- and 8-byte loads stay inside).</summary>
    private const int InputMargin = 15;

    /// <summary>The most output one input byte can produce: a 3-byte copy yields up to 64 bytes.</summary>
    private const int MaxExpansion = 22;

    /// <summary>The largest compressed size of <paramref name="sourceLength"/> bytes.</summary>
    public static int MaxCompressedLength(int sourceLength) => 32 + sourceLength + (sourceLength / 6);

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> (at least <see cref="MaxCompressedLength"/> bytes); returns the bytes written.</summary>
    [SkipLocalsInit] // the hash table is cleared per fragment anyway
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < MaxCompressedLength(source.Length))
        {
            throw new ArgumentException("destination is smaller than MaxCompressedLength", nameof(destination));
        }

        int written = WriteVarInt(destination, (uint)source.Length);
        Span<ushort> table = stackalloc ushort[1 << MaxHashTableBits];
        fixed (byte* src = source)
        fixed (byte* dstStart = destination)
        {
            byte* dst = dstStart + written;
            for (int start = 0; start < source.Length; start += FragmentSize)
            {
                int length = Math.Min(FragmentSize, source.Length - start);
                int bits = HashTableBits(length);
                Span<ushort> fragmentTable = table[..(1 << bits)];
                fragmentTable.Clear();
                fixed (ushort* t = fragmentTable)
                {
                    dst = CompressFragment(src + start, length, dst, t, 32 - bits);
                }
            }

            return (int)(dst - dstStart);
        }
    }

    /// <summary>
    /// Reads the uncompressed length a raw block declares, checked against what its size could
    /// possibly produce and against the output budget (so it can size the output safely).
    /// </summary>
    public static int ReadUncompressedLength(ReadOnlySpan<byte> block, long budget, int maxOutputBytes, out int headerLength)
    {
        uint value = 0;
        int shift = 0;
        int i = 0;
        while (true)
        {
            if (i >= block.Length)
            {
                throw Corrupt(block.Length == 0 ? "the block is empty (no uncompressed length)" : "the uncompressed length varint is truncated");
            }

            byte b = block[i++];
            if (shift == 28 && b > 0x0F)
            {
                throw Corrupt("the uncompressed length varint is longer than 32 bits");
            }

            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
        }

        headerLength = i;
        long bodyLength = block.Length - i;
        if (value > bodyLength * MaxExpansion)
        {
            throw Corrupt($"the block declares {value} uncompressed bytes, more than its {bodyLength} compressed bytes can hold");
        }

        if (value > budget)
        {
            throw OutputLimit.TooLarge("snappy", maxOutputBytes);
        }

        return (int)value;
    }

    /// <summary>
    /// Decodes the elements of a raw block (after its length varint) into exactly
    /// <paramref name="destination"/>, which must be the declared uncompressed length.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> body, Span<byte> destination)
    {
        fixed (byte* srcStart = body)
        fixed (byte* dstStart = destination)
        {
            byte* ip = srcStart;
            byte* ipEnd = srcStart + body.Length;
            byte* op = dstStart;
            byte* opEnd = dstStart + destination.Length;
            while (ip < ipEnd)
            {
                uint tag = *ip++;
                nuint length;
                nuint offset;
                switch (tag & 3)
                {
                    case 0:
                    {
                        length = tag >> 2;
                        if (length >= 60)
                        {
                            nuint extra = length - 59;
                            if ((nuint)(ipEnd - ip) < extra)
                            {
                                throw Corrupt("a literal's length is truncated");
                            }

                            length = extra switch
                            {
                                1 => *ip,
                                2 => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(ip, 2)),
                                3 => (nuint)(ip[0] | (ip[1] << 8) | (ip[2] << 16)),
                                _ => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(ip, 4)),
                            };
                            ip += extra;
                        }

                        length += 1;
                        nuint inputLeft = (nuint)(ipEnd - ip);
                        nuint outputLeft = (nuint)(opEnd - op);
                        if (length <= 16 && inputLeft >= 16 && outputLeft >= 16)
                        {
                            // Short literal with room on both sides: copy 16 bytes, keep `length`.
                            Unsafe.CopyBlockUnaligned(op, ip, 16);
                        }
                        else
                        {
                            if (inputLeft < length)
                            {
                                throw Corrupt($"a literal of {length} bytes runs past the end of the input ({inputLeft} left)");
                            }

                            if (outputLeft < length)
                            {
                                throw Corrupt("a literal runs past the declared uncompressed length");
                            }

                            Buffer.MemoryCopy(ip, op, outputLeft, length);
                        }

                        ip += length;
                        op += length;
                        continue;
                    }

                    case 1:
                        if (ip >= ipEnd)
                        {
                            throw Corrupt("a copy's offset is truncated");
                        }

                        length = 4 + ((tag >> 2) & 7);
                        offset = ((tag & 0xE0) << 3) | *ip++;
                        break;

                    case 2:
                        if (ipEnd - ip < 2)
                        {
                            throw Corrupt("a copy's offset is truncated");
                        }

                        length = 1 + (tag >> 2);
                        offset = (nuint)(ip[0] | (ip[1] << 8));
                        ip += 2;
                        break;

                    default:
                        if (ipEnd - ip < 4)
                        {
                            throw Corrupt("a copy's offset is truncated");
                        }

                        length = 1 + (tag >> 2);
                        offset = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(ip, 4));
                        ip += 4;
                        break;
                }

                nuint produced = (nuint)(op - dstStart);
                if (offset == 0 || offset > produced)
                {
                    throw Corrupt($"a copy refers {offset} bytes back but only {produced} bytes are decoded so far");
                }

                nuint room = (nuint)(opEnd - op);
                if (room < length)
                {
                    throw Corrupt("a copy runs past the declared uncompressed length");
                }

                byte* from = op - offset;
                if (offset >= 8 && room >= length + 8)
                {
                    // 8 bytes at a time: every load reads bytes already written, even when they overlap.
                    byte* end = op + length;
                    byte* o = op;
                    do
                    {
                        Unsafe.WriteUnaligned(o, Unsafe.ReadUnaligned<ulong>(from));
                        o += 8;
                        from += 8;
                    }
                    while (o < end);
                }
                else
                {
                    for (nuint k = 0; k < length; k++)
                    {
                        op[k] = from[k];
                    }
                }

                op += length;
            }

            if (op != opEnd)
            {
                throw Corrupt($"decoded {op - dstStart} bytes but the block declares {destination.Length}");
            }
        }
    }

    /// <summary>Decompresses a whole raw block, appending exactly its declared length to a new array (for tests and small inputs).</summary>
    public static byte[] DecompressToArray(ReadOnlySpan<byte> block, int maxOutputBytes)
    {
        int length = ReadUncompressedLength(block, maxOutputBytes, maxOutputBytes, out int header);
        var output = new byte[length];
        Decompress(block[header..], output);
        return output;
    }

    internal static KafkaProtocolException Corrupt(string what) => new($"snappy-compressed data is corrupt: {what}");

    private static int HashTableBits(int length)
    {
        int bits = MinHashTableBits;
        while (bits < MaxHashTableBits && (1 << bits) < length)
        {
            bits++;
        }

        return bits;
    }

    private static int WriteVarInt(Span<byte> destination, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Load32(byte* p) => Unsafe.ReadUnaligned<uint>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint bytes, int shift) => (bytes * 0x1E35A7BDu) >> shift;

    private static byte* CompressFragment(byte* input, int length, byte* op, ushort* table, int shift)
    {
        byte* ip = input;
        byte* end = input + length;
        byte* nextEmit = input;
        if (length >= InputMargin + 1)
        {
            byte* ipLimit = end - InputMargin;
            uint nextHash = Hash(Load32(++ip), shift);
            while (true)
            {
                // Find a 4-byte match, stepping further apart the longer nothing matches.
                uint skip = 32;
                byte* nextIp = ip;
                byte* candidate;
                do
                {
                    ip = nextIp;
                    uint hash = nextHash;
                    nextIp = ip + (skip++ >> 5);
                    if (nextIp > ipLimit)
                    {
                        goto EmitRemainder;
                    }

                    nextHash = Hash(Load32(nextIp), shift);
                    candidate = input + table[hash];
                    table[hash] = (ushort)(ip - input);
                }
                while (Load32(ip) != Load32(candidate));

                op = EmitLiteral(op, nextEmit, (int)(ip - nextEmit));

                // Emit copies as long as the byte after each one starts another match.
                do
                {
                    byte* matchStart = ip;
                    int matched = 4 + MatchLength(candidate + 4, ip + 4, end);
                    ip += matched;
                    op = EmitCopy(op, (int)(matchStart - candidate), matched);
                    nextEmit = ip;
                    if (ip >= ipLimit)
                    {
                        goto EmitRemainder;
                    }

                    table[Hash(Load32(ip - 1), shift)] = (ushort)(ip - 1 - input);
                    uint currentHash = Hash(Load32(ip), shift);
                    candidate = input + table[currentHash];
                    table[currentHash] = (ushort)(ip - input);
                }
                while (Load32(ip) == Load32(candidate));

                nextHash = Hash(Load32(++ip), shift);
            }
        }

    EmitRemainder:
        if (nextEmit < end)
        {
            op = EmitLiteral(op, nextEmit, (int)(end - nextEmit));
        }

        return op;
    }

    /// <summary>How many bytes from <paramref name="a"/> and <paramref name="b"/> agree, <paramref name="b"/> staying before <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MatchLength(byte* a, byte* b, byte* limit)
    {
        byte* start = b;
        while (limit - b >= 8)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(a) ^ Unsafe.ReadUnaligned<ulong>(b);
            if (x != 0)
            {
                int same = BitConverter.IsLittleEndian ? BitOperations.TrailingZeroCount(x) >> 3 : BitOperations.LeadingZeroCount(x) >> 3;
                return (int)(b - start) + same;
            }

            a += 8;
            b += 8;
        }

        while (b < limit && *a == *b)
        {
            a++;
            b++;
        }

        return (int)(b - start);
    }

    private static byte* EmitLiteral(byte* op, byte* literal, int length)
    {
        int n = length - 1;
        if (n < 60)
        {
            *op++ = (byte)(n << 2);
        }
        else if (n < 1 << 8)
        {
            *op++ = 60 << 2;
            *op++ = (byte)n;
        }
        else if (n < 1 << 16)
        {
            *op++ = 61 << 2;
            *op++ = (byte)n;
            *op++ = (byte)(n >> 8);
        }
        else if (n < 1 << 24)
        {
            *op++ = 62 << 2;
            *op++ = (byte)n;
            *op++ = (byte)(n >> 8);
            *op++ = (byte)(n >> 16);
        }
        else
        {
            *op++ = 63 << 2;
            *op++ = (byte)n;
            *op++ = (byte)(n >> 8);
            *op++ = (byte)(n >> 16);
            *op++ = (byte)(n >> 24);
        }

        Buffer.MemoryCopy(literal, op, length, length);
        return op + length;
    }

    private static byte* EmitCopy(byte* op, int offset, int length)
    {
        // Copies of 64 bytes while a 4-byte remainder stays possible, then one of 60 if needed.
        while (length >= 68)
        {
            op = EmitCopyUpTo64(op, offset, 64);
            length -= 64;
        }

        if (length > 64)
        {
            op = EmitCopyUpTo64(op, offset, 60);
            length -= 60;
        }

        return EmitCopyUpTo64(op, offset, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* EmitCopyUpTo64(byte* op, int offset, int length)
    {
        if (length < 12 && offset < 2048)
        {
            *op++ = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            *op++ = (byte)offset;
        }
        else
        {
            *op++ = (byte)(2 | ((length - 1) << 2));
            *op++ = (byte)offset;
            *op++ = (byte)(offset >> 8);
        }

        return op;
    }
}
