using RxKafka.Protocol;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

public sealed class GzipTests
{
    [Fact]
    public void Output_is_a_gzip_member_that_System_IO_Compression_reads()
    {
        byte[] original = Payloads.Get("text");

        byte[] compressed = Payloads.Compress(CompressionType.Gzip, original);

        Assert.Equal(new byte[] { 0x1F, 0x8B, 0x08 }, compressed[..3]);
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        Assert.Equal(original, output.ToArray());
    }

    [Fact]
    public void Concatenated_members_decode_to_the_concatenation()
    {
        byte[] first = Payloads.JsonRecords(70_000, seed: 1);
        byte[] second = Payloads.Random(3_000, seed: 2);
        byte[] third = Payloads.Get("text");

        byte[] members = [.. Payloads.Compress(CompressionType.Gzip, first), .. Payloads.Compress(CompressionType.Gzip, second), .. Payloads.Compress(CompressionType.Gzip, third)];

        Assert.Equal([.. first, .. second, .. third], Payloads.Decompress(CompressionType.Gzip, members));
    }

    [Fact]
    public void A_stream_ending_in_an_empty_member_decodes()
    {
        byte[] first = Payloads.Get("text");

        byte[] members = [.. Payloads.Compress(CompressionType.Gzip, first), .. Payloads.Compress(CompressionType.Gzip, [])];

        Assert.Equal(first, Payloads.Decompress(CompressionType.Gzip, members));
    }

    [Fact]
    public void Trailing_bytes_after_the_last_member_are_rejected()
    {
        byte[] compressed = [.. Payloads.Compress(CompressionType.Gzip, Payloads.Get("text")), 0, 0, 0, 0];

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Gzip, compressed));

        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void A_bad_crc_is_rejected()
    {
        byte[] compressed = Payloads.Compress(CompressionType.Gzip, Payloads.Get("text"));
        compressed[^6] ^= 0x01;

        var error = Assert.Throws<KafkaProtocolException>(() => Payloads.Decompress(CompressionType.Gzip, compressed));

        Assert.Contains("gzip", error.Message);
    }
}
