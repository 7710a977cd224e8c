using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Lz4Block = K4os.Compression.LZ4.LZ4Codec;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// Reads one LZ4 frame as the frame format allows it, not only as Kafka writes it: independent or
/// linked blocks, 64 KiB to 4 MiB blocks, stored blocks, block and content checksums, a content
/// size. Kafka's Java client writes independent 64 KiB blocks; other writers (lz4.frame in Python,
/// librdkafka) may use the rest, and liblz4, which read them before, accepted it all.
/// </summary>
internal static class Lz4FrameDecoder
{
    private const uint SkippableMagic = 0x184D2A50;
    private const uint SkippableMagicMask = 0xFFFFFFF0;

    /// <summary>How far back a linked block may refer: the last 64 KiB decoded.</summary>
    private const int MaxDictionary = 64 * 1024;

    /// <summary>Decodes the frame at <paramref name="start"/>; returns where the next one starts.</summary>
    public static int DecodeFrame(ReadOnlySpan<byte> source, int start, IBufferWriter<byte> destination, ref OutputLimit limit, bool legacyHeaderChecksum)
    {
        uint magic = ReadUInt32(source, start, "frame magic");
        if ((magic & SkippableMagicMask) == SkippableMagic)
        {
            uint skipped = ReadUInt32(source, start + 4, "skippable frame size");
            return skipped <= (uint)(source.Length - start - 8)
                ? start + 8 + (int)skipped
                : throw Lz4Codec.Corrupt($"the skippable frame at offset {start} declares {skipped} bytes but {source.Length - start - 8} remain");
        }

        if (magic != Lz4Codec.FrameMagic)
        {
            throw Lz4Codec.Corrupt($"bad frame magic 0x{magic:X8} at offset {start} (expected 0x{Lz4Codec.FrameMagic:X8})");
        }

        var frame = new FrameDescriptor(source, start, legacyHeaderChecksum);
        if (frame.ContentSize is { } declared)
        {
            limit.EnsureRoom((long)Math.Min(declared, long.MaxValue));
        }

        long frameStart = limit.Written;
        XxHash32? contentHash = frame.ContentChecksum ? new XxHash32() : null;
        byte[]? window = frame.Linked ? ArrayPool<byte>.Shared.Rent(MaxDictionary + frame.BlockMax) : null;
        try
        {
            int position = frame.End;
            int history = 0;
            while (true)
            {
                uint word = ReadUInt32(source, position, "block size");
                int blockStart = position;
                position += 4;
                if (word == 0)
                {
                    break;
                }

                bool stored = (word & Lz4Codec.StoredBlockFlag) != 0;
                int size = (int)(word & ~Lz4Codec.StoredBlockFlag);
                if (size > frame.BlockMax)
                {
                    throw Lz4Codec.Corrupt($"the block at offset {blockStart} declares {size} bytes, more than the frame's maximum block size {frame.BlockMax}");
                }

                if (size > source.Length - position)
                {
                    throw Lz4Codec.Corrupt($"the frame is truncated (the block at offset {blockStart} declares {size} bytes but {source.Length - position} remain)");
                }

                ReadOnlySpan<byte> block = source.Slice(position, size);
                position += size;
                if (frame.BlockChecksum)
                {
                    uint expected = ReadUInt32(source, position, "block checksum");
                    position += 4;
                    if (XxHash32.HashToUInt32(block) != expected)
                    {
                        throw Lz4Codec.Corrupt($"the block at offset {blockStart} fails its checksum");
                    }
                }

                ReadOnlySpan<byte> decoded = window is null
                    ? DecodeIndependent(block, stored, blockStart, frame.BlockMax, destination, ref limit)
                    : DecodeLinked(block, stored, blockStart, window, ref history, frame.BlockMax, destination, ref limit);
                contentHash?.Append(decoded);
                limit.Advance(destination, decoded.Length);
            }

            if (contentHash is not null && ReadUInt32(source, position, "content checksum") != contentHash.GetCurrentHashAsUInt32())
            {
                throw Lz4Codec.Corrupt($"the frame at offset {start} fails its content checksum");
            }

            if (frame.ContentSize is { } contentSize && (ulong)(limit.Written - frameStart) != contentSize)
            {
                throw Lz4Codec.Corrupt($"the frame at offset {start} declares {contentSize} bytes of content but holds {limit.Written - frameStart}");
            }

            return contentHash is null ? position : position + 4;
        }
        finally
        {
            if (window is not null)
            {
                ArrayPool<byte>.Shared.Return(window);
            }
        }
    }

    /// <summary>Decodes a block straight into the destination; returns the bytes written there, not yet advanced.</summary>
    private static Span<byte> DecodeIndependent(ReadOnlySpan<byte> block, bool stored, int blockStart, int blockMax, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        if (stored)
        {
            limit.EnsureRoom(block.Length);
            Span<byte> copy = destination.GetSpan(block.Length)[..block.Length];
            block.CopyTo(copy);
            return copy;
        }

        // At most one byte more than the budget: a block that fills it has proved the output too large.
        int room = (int)Math.Min(blockMax, limit.Remaining + 1);
        Span<byte> output = destination.GetSpan(room)[..room];
        int produced = Lz4Block.Decode(block, output);
        if (produced >= 0)
        {
            return output[..produced];
        }

        if (room < blockMax && Lz4Block.PartialDecode(block, output) == room)
        {
            limit.EnsureRoom(room);
        }

        throw Lz4Codec.Corrupt($"the block at offset {blockStart} does not decode");
    }

    /// <summary>
    /// Decodes a block that may refer to the 64 KiB before it: into <paramref name="window"/>, after
    /// the history kept there, then copied to the destination; returns the copy, not yet advanced.
    /// </summary>
    private static Span<byte> DecodeLinked(ReadOnlySpan<byte> block, bool stored, int blockStart, byte[] window, ref int history, int blockMax, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        Span<byte> target = window.AsSpan(history, blockMax);
        int produced = stored ? block.Length : Lz4Block.Decode(block, target, window.AsSpan(0, history));
        if (produced < 0)
        {
            throw Lz4Codec.Corrupt($"the block at offset {blockStart} does not decode");
        }

        if (stored)
        {
            block.CopyTo(target);
        }

        limit.EnsureRoom(produced);
        Span<byte> copy = destination.GetSpan(produced)[..produced];
        target[..produced].CopyTo(copy);

        int end = history + produced;
        if (end > MaxDictionary)
        {
            window.AsSpan(end - MaxDictionary, MaxDictionary).CopyTo(window);
            end = MaxDictionary;
        }

        history = end;
        return copy;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> source, int position, string what)
        => source.Length - position >= 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(source[position..])
            : throw Lz4Codec.Corrupt($"the frame is truncated (the input ended in the {what} at offset {position})");

    /// <summary>The frame header: FLG, BD, the optional content size and the checked header checksum.</summary>
    private readonly ref struct FrameDescriptor
    {
        public FrameDescriptor(ReadOnlySpan<byte> source, int start, bool legacyHeaderChecksum)
        {
            if (!Lz4Codec.TryGetHeaderChecksumPosition(source[start..], out int checksum))
            {
                throw Lz4Codec.Corrupt($"the frame header at offset {start} is truncated");
            }

            byte flags = source[start + 4];
            byte descriptor = source[start + 5];
            if (flags >> 6 != 1)
            {
                throw Lz4Codec.Corrupt($"unsupported frame version {flags >> 6} at offset {start} (expected 1)");
            }

            if ((flags & 0x02) != 0 || (descriptor & 0x8F) != 0)
            {
                throw Lz4Codec.Corrupt($"reserved bits are set in the frame descriptor at offset {start}");
            }

            if ((flags & 0x01) != 0)
            {
                throw Lz4Codec.Corrupt($"the frame at offset {start} needs a dictionary (it has a dictionary id), which Kafka never uses");
            }

            int blockMaxId = descriptor >> 4;
            if (blockMaxId < 4)
            {
                throw Lz4Codec.Corrupt($"unknown maximum block size id {blockMaxId} at offset {start}");
            }

            // Magic 0 messages carry the KAFKA-3160 checksum (over the magic too): not checked, as Kafka does.
            if (!legacyHeaderChecksum && source[start + checksum] != Lz4Codec.HeaderChecksum(source[(start + 4)..(start + checksum)]))
            {
                throw Lz4Codec.Corrupt($"bad frame header checksum 0x{source[start + checksum]:X2} at offset {start + checksum}");
            }

            Linked = (flags & 0x20) == 0;
            BlockChecksum = (flags & 0x10) != 0;
            ContentChecksum = (flags & 0x04) != 0;
            ContentSize = (flags & 0x08) != 0 ? BinaryPrimitives.ReadUInt64LittleEndian(source[(start + 6)..]) : null;
            BlockMax = 1 << (8 + (2 * blockMaxId));
            End = start + checksum + 1;
        }

        public bool Linked { get; }

        public bool BlockChecksum { get; }

        public bool ContentChecksum { get; }

        public ulong? ContentSize { get; }

        /// <summary>64 KiB, 256 KiB, 1 MiB or 4 MiB.</summary>
        public int BlockMax { get; }

        /// <summary>Where the first block starts.</summary>
        public int End { get; }
    }
}
