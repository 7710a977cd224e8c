using System.Text;
using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

public sealed class XxHash32Tests
{
    [Theory]
    [InlineData("", 0x02CC5D05u)]
    [InlineData("a", 0x550D7456u)]
    [InlineData("abc", 0x32D153FFu)]
    public void Matches_the_reference_vectors(string input, uint expected)
    {
        Assert.Equal(expected, XxHash32.Hash(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void Matches_the_content_checksum_liblz4_wrote_for_a_66_byte_payload()
    {
        // The last 4 bytes of lz4.frame.compress(p, content_checksum=True) from python3-lz4 (see KnownVectorTests).
        byte[] payload = Encoding.ASCII.GetBytes("{\"id\":1,\"name\":\"rxkafka\",\"tags\":[\"a\",\"b\"],\"id\":1,\"name\":\"rxkafka\"}");

        Assert.Equal(0x8598AEC9u, XxHash32.Hash(payload));
    }
}
