using System.Buffers;
using System.Buffers.Binary;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>
/// Snappy: raw blocks (Snappier) through our length guard at the sizes around snappy's encodings,
/// and the xerial framing, walked here independently of the codec.
/// </summary>
public sealed class SnappyTests
{
    private static readonly byte[] XerialMagicAndVersions =
        [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00, 0, 0, 0, 1, 0, 0, 0, 1];

    /// <summary>Sizes around the literal-length encodings (60, 256, 65536) and the 64 KiB fragment size.</summary>
    public static TheoryData<int> Sizes() =>
        new(0, 1, 4, 15, 16, 17, 59, 60, 61, 255, 256, 257, 1000, 65535, 65536, 65537, 65536 * 3 + 17, 1 << 20);

    public static TheoryData<string> PayloadNames() => new(Payloads.Names);

    private static byte[] RawCompress(ReadOnlySpan<byte> source)
    {
        var writer = new ArrayBufferWriter<byte>();
        SnappyCodec.CompressRaw(source, writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Mixed content: runs, text, random stretches and short repeats, so every element kind appears.</summary>
    private static byte[] Mixed(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        int i = 0;
        while (i < length)
        {
            int run = Math.Min(length - i, random.Next(1, 300));
            switch (random.Next(4))
            {
                case 0:
                    bytes.AsSpan(i, run).Fill((byte)random.Next(256));
                    break;
                case 1:
                    random.NextBytes(bytes.AsSpan(i, run));
                    break;
                case 2 when i > 0:
                    int distance = random.Next(1, Math.Min(i, 70000) + 1);
                    for (int k = 0; k < run; k++)
                    {
                        bytes[i + k] = bytes[i + k - distance];
                    }

                    break;
                default:
                    for (int k = 0; k < run; k++)
                    {
                        bytes[i + k] = (byte)"the quick brown fox "[(i + k) % 20];
                    }

                    break;
            }

            i += run;
        }

        return bytes;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Raw_blocks_round_trip_at_every_size(int size)
    {
        byte[] original = Mixed(size, seed: size);

        byte[] raw = RawCompress(original);

        Assert.Equal(size, Snappier.Snappy.GetUncompressedLength(raw));
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Snappy, raw)));
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public void Raw_blocks_of_the_shared_payloads_round_trip(string name)
    {
        byte[] original = Payloads.Get(name);

        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Snappy, RawCompress(original))));
    }

    [Fact]
    public void Kafka_output_starts_with_the_xerial_header()
    {
        byte[] framed = Payloads.Compress(CompressionType.Snappy, Payloads.Get("text"));

        Assert.Equal(XerialMagicAndVersions, framed[..16]);
    }

    [Fact]
    public void Xerial_output_is_32KB_blocks_each_a_raw_snappy_block()
    {
        byte[] original = Mixed(100_000, seed: 4);

        byte[] framed = Payloads.Compress(CompressionType.Snappy, original);

        // Walk the framing independently: [int32 BE length][raw block], each block up to 32 KiB of input.
        var blocks = new List<byte[]>();
        int position = 16;
        while (position < framed.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(framed.AsSpan(position));
            blocks.Add(Snappier.Snappy.DecompressToArray(framed.AsSpan(position + 4, length)));
            position += 4 + length;
        }

        Assert.Equal(framed.Length, position);
        Assert.Equal([32768, 32768, 32768, 1696], blocks.Select(b => b.Length));
        Assert.True(original.AsSpan().SequenceEqual(blocks.SelectMany(b => b).ToArray()));
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Snappy, framed)));
    }

    [Fact]
    public void A_xerial_stream_with_blocks_of_another_size_decodes()
    {
        // Frame raw blocks by hand, 10 000 input bytes per block (snappy-java's block size is a setting).
        byte[] original = Mixed(45_000, seed: 8);
        var framed = new ArrayBufferWriter<byte>();
        framed.Write(XerialMagicAndVersions);
        for (int start = 0; start < original.Length; start += 10_000)
        {
            byte[] block = Snappier.Snappy.CompressToArray(original.AsSpan(start, Math.Min(10_000, original.Length - start)));
            BinaryPrimitives.WriteInt32BigEndian(framed.GetSpan(4), block.Length);
            framed.Advance(4);
            framed.Write(block);
        }

        byte[] decoded = Payloads.Decompress(CompressionType.Snappy, framed.WrittenSpan);

        Assert.True(original.AsSpan().SequenceEqual(decoded));
    }

    [Fact]
    public void A_header_with_no_blocks_is_empty_data()
    {
        Assert.Empty(Payloads.Decompress(CompressionType.Snappy, XerialMagicAndVersions));
        Assert.Equal(XerialMagicAndVersions, Payloads.Compress(CompressionType.Snappy, []));
    }

    [Fact]
    public void Long_runs_use_overlapping_copies()
    {
        byte[] original = new byte[200_000];
        original.AsSpan().Fill(0x41);

        byte[] raw = RawCompress(original);

        Assert.True(raw.Length < 10_000, $"a 200 000-byte run compressed to {raw.Length} bytes");
        Assert.True(original.AsSpan().SequenceEqual(Payloads.Decompress(CompressionType.Snappy, raw)));
    }
}
