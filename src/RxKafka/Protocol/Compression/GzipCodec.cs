using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace RxKafka.Protocol.Compression;

/// <summary>
/// gzip through <see cref="GZipStream"/>. .NET silently stops at the end of a truncated stream, so
/// after decoding the trailer of the last member is checked: its ISIZE must match the output
/// (one member, the case every Kafka client writes) or, for concatenated members, its CRC-32 must
/// match the output's tail, which a second pass computes.
/// </summary>
internal static unsafe class GzipCodec
{
    private const string Codec = "gzip";
    private const int HeaderSize = 10;
    private const int TrailerSize = 8;

    /// <summary>
    /// A complete member holding no data: header (OS unknown), an empty final deflate block, CRC 0,
    /// ISIZE 0. <see cref="GZipStream"/> writes nothing at all when given nothing.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int? level)
    {
        if (source.IsEmpty)
        {
            ValidateLevel(level);
            destination.Write(EmptyMember);
            return;
        }

        using var sink = new BufferWriterStream(destination);
        using (var gzip = CreateCompressor(sink, level))
        {
            gzip.Write(source);
        }
    }

    private static int ValidateLevel(int? level)
    {
        int kafkaLevel = level ?? -1;
        if (kafkaLevel is < -1 or > 9 or 0)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip compression.level must be 1-9 (or -1 for the default)");
        }

        return kafkaLevel;
    }

    private static GZipStream CreateCompressor(Stream sink, int? level)
    {
        int kafkaLevel = ValidateLevel(level);

#if NET9_0_OR_GREATER
        return new GZipStream(sink, new ZLibCompressionOptions { CompressionLevel = kafkaLevel }, leaveOpen: true);
#else
        CompressionLevel mapped = kafkaLevel switch
        {
            -1 => CompressionLevel.Optimal,
            <= 3 => CompressionLevel.Fastest,
            <= 7 => CompressionLevel.Optimal,
            _ => CompressionLevel.SmallestSize,
        };
        return new GZipStream(sink, mapped, leaveOpen: true);
#endif
    }

    public static void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int maxOutputBytes)
    {
        if (source.Length < HeaderSize + TrailerSize)
        {
            throw Corrupt($"{source.Length} bytes is shorter than the smallest gzip member (18 bytes)");
        }

        if (source[0] != 0x1F || source[1] != 0x8B)
        {
            throw Corrupt($"bad magic 0x{source[0]:X2}{source[1]:X2} (expected 0x1F8B)");
        }

        if (source[2] != 8)
        {
            throw Corrupt($"unsupported compression method {source[2]} (expected 8, deflate)");
        }

        var limit = new OutputLimit(Codec, maxOutputBytes);
        Inflate(source, destination, ref limit);

        // The last member's trailer: CRC-32 and ISIZE (length mod 2^32) of its uncompressed bytes.
        uint trailerCrc = BinaryPrimitives.ReadUInt32LittleEndian(source[^8..]);
        uint trailerSize = BinaryPrimitives.ReadUInt32LittleEndian(source[^4..]);
        long total = limit.Written;
        if (trailerSize == (uint)total)
        {
            return;
        }

        // Either several members, or a stream cut short (which .NET does not report).
        if (trailerSize > total || !LastMemberMatches(source, total - trailerSize, trailerCrc))
        {
            throw Corrupt("truncated or has trailing bytes: the last 8 bytes are not the trailer of the last member");
        }
    }

    private static void Inflate(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, ref OutputLimit limit)
    {
        fixed (byte* pointer = source)
        {
            using var input = new UnmanagedMemoryStream(pointer, source.Length);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            try
            {
                while (true)
                {
                    Span<byte> chunk = limit.NextChunk(destination);
                    int read = gzip.Read(chunk);
                    if (read == 0)
                    {
                        return;
                    }

                    limit.Advance(destination, read);
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new KafkaProtocolException($"gzip-compressed data is corrupt: {e.Message}", e);
            }
        }
    }

    /// <summary>Decodes again, keeping only the CRC-32 of the output from <paramref name="tailStart"/> on.</summary>
    private static bool LastMemberMatches(ReadOnlySpan<byte> source, long tailStart, uint expectedCrc)
    {
        var sink = new TailCrcWriter(tailStart);
        var limit = new OutputLimit(Codec, int.MaxValue);
        try
        {
            Inflate(source, sink, ref limit);
            return sink.Crc == expectedCrc;
        }
        finally
        {
            sink.Dispose();
        }
    }

    private static KafkaProtocolException Corrupt(string what) => new($"gzip-compressed data is corrupt: {what}");

    /// <summary>A throw-away destination that computes the CRC-32 of everything past a position.</summary>
    private sealed class TailCrcWriter : IBufferWriter<byte>, IDisposable
    {
        private readonly long _tailStart;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(OutputLimit.ChunkSize);
        private readonly Crc32 _crc = new();
        private long _position;

        public TailCrcWriter(long tailStart) => _tailStart = tailStart;

        public uint Crc => _crc.GetCurrentHashAsUInt32();

        public void Advance(int count)
        {
            long end = _position + count;
            if (end > _tailStart)
            {
                int from = (int)Math.Max(0, _tailStart - _position);
                _crc.Append(_buffer.AsSpan(from, count - from));
            }

            _position = end;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(sizeHint);
            }

            return _buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
