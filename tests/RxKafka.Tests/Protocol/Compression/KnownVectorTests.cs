using System.Text;
using RxKafka.Protocol;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>
/// Fixed blobs written by other implementations. Made once with Debian 12's /usr/bin/python3
/// (3.11; python3-kafka's kafka.codec, python3-snappy, python3-lz4 4.0.2, python3-zstandard 0.20):
/// <code>
/// import kafka.codec as c, gzip, lz4.frame, zstandard
/// p = b'{"id":1,"name":"rxkafka","tags":["a","b"],"id":1,"name":"rxkafka"}'
/// c.gzip_encode(p).hex()                                            # Gzip
/// c.snappy_encode(p, xerial_compatible=True, xerial_blocksize=24).hex()  # SnappyXerial (3 blocks)
/// c.snappy_encode(p, xerial_compatible=False).hex()                 # SnappyRaw
/// c.lz4_encode(p).hex()                                             # Lz4 (content size stored)
/// lz4.frame.compress(p, block_linked=False, content_checksum=True, store_size=False).hex()  # Lz4Checksum
/// c.zstd_encode(p).hex()                                            # Zstd (content size stored)
/// zstandard.ZstdCompressor(write_content_size=False).compress(p).hex()  # ZstdNoContentSize (like Java's stream)
/// (c.zstd_encode(b'hello ') + c.zstd_encode(b'world')).hex()         # ZstdTwoFrames
/// (gzip.compress(b'hello ', mtime=0) + gzip.compress(b'world', mtime=0)).hex()  # GzipTwoMembers
/// </code>
/// </summary>
public sealed class KnownVectorTests
{
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes("{\"id\":1,\"name\":\"rxkafka\",\"tags\":[\"a\",\"b\"],\"id\":1,\"name\":\"rxkafka\"}");

    private const string Gzip = "1f8b080005f3026b02ffab56ca4c51b232d451ca4bcc4d55b2522aaac84e4ccb4e54d2512a494c2f56b28a5602b1939462757028ac050078fbd8cd42000000";
    private const string GzipTwoMembers = "1f8b0800000000000203cb48cdc9c9570000f6f981ed060000001f8b08000000000002032bcf2fca4901004311773a05000000";
    private const string SnappyXerial = "82534e415050590000000001000000010000001a185c7b226964223a312c226e616d65223a2272786b61666b61220000001a185c2c2274616773223a5b2261222c2262225d2c226964223a310000001412442c226e616d65223a2272786b61666b61227d";
    private const string SnappyRaw = "42a87b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b2261222c2262225d2c22562900007d";
    private const string Lz4 = "04224d1868404200000000000000e534000000f0137b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b220c004f62225d2c29000050666b61227d00000000";
    private const string Lz4Checksum = "04224d186440a734000000f0137b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b220c004f62225d2c29000050666b61227d00000000c9ae9885";
    private const string Zstd = "28b52ffd20428d010074027b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b2262225d2c7d02004c15d1d9f204";
    private const string ZstdNoContentSize = "28b52ffd00008d010074027b226964223a312c226e616d65223a2272786b61666b61222c2274616773223a5b2262225d2c7d02004c15d1d9f204";
    private const string ZstdTwoFrames = "28b52ffd200631000068656c6c6f2028b52ffd2005290000776f726c64";

    [Theory]
    [InlineData(CompressionType.Gzip, Gzip)]
    [InlineData(CompressionType.Snappy, SnappyXerial)]
    [InlineData(CompressionType.Snappy, SnappyRaw)]
    [InlineData(CompressionType.Lz4, Lz4)]
    [InlineData(CompressionType.Lz4, Lz4Checksum)]
    [InlineData(CompressionType.Zstd, Zstd)]
    [InlineData(CompressionType.Zstd, ZstdNoContentSize)]
    public void Python_written_blobs_decode_to_the_payload(CompressionType codec, string hex)
    {
        byte[] decoded = Payloads.Decompress(codec, Payloads.Hex(hex));

        Assert.Equal(Encoding.ASCII.GetString(Payload), Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData(CompressionType.Gzip, GzipTwoMembers)]
    [InlineData(CompressionType.Zstd, ZstdTwoFrames)]
    public void Concatenated_members_or_frames_decode_in_turn(CompressionType codec, string hex)
    {
        Assert.Equal("hello world", Encoding.ASCII.GetString(Payloads.Decompress(codec, Payloads.Hex(hex))));
    }

    [Fact]
    public void A_corrupted_lz4_content_checksum_is_rejected()
    {
        byte[] blob = Payloads.Hex(Lz4Checksum);
        blob[^1] ^= 0x40;

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Lz4, blob));

        Assert.Contains("lz4", error.Message);
    }
}
