using System.Text;
using RxKafka.Protocol;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>
/// Frames written by the encoders this project had before the managed codecs: liblz4 1.9.4
/// (LZ4F_compressFrame, 64 KiB independent blocks, level 0), libzstd 1.5.4 (ZSTD_compress, level 3)
/// and the hand-written snappy with xerial framing, each over <see cref="Payload"/> (70 004 bytes:
/// two LZ4 blocks, three xerial blocks). Made once with benchmarks/RxKafka.Benchmarks/OldCodecs, so
/// that batches already written by older builds still read. (The managed encoders wrote the same
/// bytes when these were made; only decoding is asserted, as an encoder may change its output.)
/// </summary>
public sealed class OldEncoderVectorTests
{
    private static readonly string Lz4 = Hex("""
        04224d1860408264010000f0137b226964223a302c226e616d65223a2272786b61666b61222c2274616773223a5b220c005262225d7d0a2b
        001f312b00171f322b00171f332b00171f342b00171f352b00171f362b00171f372b00171f382b00171f392b00170fae01ffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
        ffffffffffffffffffffffffffffffffffffffffffffffff33500a7b22696473000000f00f223a342c226e616d65223a2272786b61666b61
        222c2274616773223a5b220c00cf62225d7d0a7b226964223a352b00171f362b00171f372b00171f382b00171f392b00171f302b00171f31
        2b00171f322b00171f332b00170fae01ffffffffffffffffffffffffffffffbb5062225d7d0a00000000
        """);

    private static readonly string Zstd = Hex("""
        28b52ffda0741101003520006a68500c1990ab301c4b3f1d5ad6e660e87f1522a59432a5f422bfeb0727ce00b700b80071972b1a89bb5cd1
        48dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae
        6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e
        57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b84b0011040c038684616108a030
        3438b0e06048181612185848f080c1a0301450b0b0604898c24000c100212e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89
        bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158d
        c45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a
        46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a2915cd148dce58a46e22e5734
        1277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b
        1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb
        158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dc
        e58a46e2012371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e
        57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371
        972b1a89bb5cd148dce58a46e22e57341277b9a291b8cb158dc45dae6824ee72452371972b1a89bb5cd148dce58a46e22e57341277b9a291
        b8cb158dc45dae6824ee72452371972b1a89bb01865ca81380fffedf01e3bf1913a040c0ffff0804f40fffffffffffffffffffffffffffff
        ffffffffffffffffbcffffffffffffffffffeffffffffffffffffffffbffe7fffffffffffffffbfffffffffffffffffffeffffff9fffffff
        fffffeffffffffffffffffbfffffffffffff7ffeffbfffffffffffffffffffefffffffffffffffffffe9fffffffffffffffffffbffffffff
        fffffffffffeffcffffffffffffffffeffffffffffffffffbfffffffff3fffffffffbfffffffffffffffffffeffffffffffffffffcffefff
        fffffffffffffffffbffffffffffffffffffe6fffffffffffffff310f3cc01747505
        """);

    private static readonly string SnappyXerial = Hex("""
        82534e415050590000000001000000010000064c808002a87b226964223a302c226e616d65223a2272786b61666b61222c2274616773223a
        5b2261222c2262225d7d0a092b0031a62b000032a62b000033a62b000034a62b000035a62b000036a62b000037a62b000038a62b000039a6
        2b00feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae012eae010000064b8080027c6964223a322c226e616d65223a2272786b61666b61222c2274616773223a5b22010c1862225d7d0a
        7b22012b0033a62b000034a62b000035a62b000036a62b000037a62b000038a62b000039a62b000030a62b000031a62b00feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae0136ae0100
        00011af42274223a342c226e616d65223a2272786b61666b61222c2274616773223a5b22010c2c62225d7d0a7b226964223a35a62b000036
        a62b000037a62b000038a62b000039a62b000030a62b000031a62b000032a62b000033a62b00feae01feae01feae01feae01feae01feae01
        feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae
        01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01fe
        ae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01feae01
        feae0121ae
        """);

    /// <summary>Lines of JSON whose id cycles through 0-9, up to 70 000 characters.</summary>
    private static byte[] Payload()
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < 70_000; i++)
        {
            text.Append("{\"id\":").Append(i % 10).Append(",\"name\":\"rxkafka\",\"tags\":[\"a\",\"b\"]}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static string Hex(string lines) => string.Concat(lines.Where(c => !char.IsWhiteSpace(c)));

    public static TheoryData<CompressionType, string> Vectors() => new()
    {
        { CompressionType.Lz4, Lz4 },
        { CompressionType.Zstd, Zstd },
        { CompressionType.Snappy, SnappyXerial },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Frames_of_the_native_backed_and_hand_written_encoders_decode_to_the_payload(CompressionType codec, string hex)
    {
        byte[] expected = Payload();

        byte[] decoded = Payloads.Decompress(codec, Payloads.Hex(hex));

        Assert.Equal(70_004, expected.Length);
        Assert.True(expected.AsSpan().SequenceEqual(decoded));
    }

    [Fact]
    public void The_old_lz4_frames_decode_in_legacy_mode_too()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();

        RxKafka.Protocol.Compression.KafkaCompression.Decompress(CompressionType.Lz4, Payloads.Hex(Lz4), writer, 1 << 20, legacyLz4HeaderChecksum: true);

        Assert.True(Payload().AsSpan().SequenceEqual(writer.WrittenSpan));
    }
}
