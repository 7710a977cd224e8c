using System.IO.Hashing;
using System.Text;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;

namespace RxKafka.Tests.Protocol.Records;

public sealed class CrcTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    [Fact]
    public void Crc32C_of_the_standard_check_string()
        => Assert.Equal(0xE3069283u, Crc32C.Compute(Check));

    [Fact]
    public void Crc32_of_the_standard_check_string()
        => Assert.Equal(0xCBF43926u, Crc32.HashToUInt32(Check));

    [Fact]
    public void Crc32C_known_vectors_from_rfc3720()
    {
        // iSCSI (RFC 3720, B.4): 32 bytes of zeros, of 0xFF, and ascending 0..31.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x00000000u, Crc32C.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Crc32_known_vectors()
    {
        Assert.Equal(0x414FA339u, Crc32.HashToUInt32(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")));
        Assert.Equal(0x00000000u, Crc32.HashToUInt32(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xE8B7BE43u, Crc32.HashToUInt32("a"u8));
    }

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (var n in new[] { 0, 1, 7, 8, 9, 63, 255, 767, 768, 769, 1000, 3 * 768 + 13, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 777, 7 * 8192 + 3 * 256 + 5, 1 << 20 })
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Crc32C_matches_a_bitwise_reference_at_every_block_boundary(int length)
    {
        var bytes = RandomBytes(length, seed: length);
        Assert.Equal(BitwiseReference(bytes, 0x82F63B78u), Crc32C.Compute(bytes));
    }

    [Fact]
    public void Append_in_pieces_equals_one_pass()
    {
        var bytes = RandomBytes(100_000, seed: 7);
        var random = new Random(3);
        for (var round = 0; round < 50; round++)
        {
            var cut1 = random.Next(bytes.Length);
            var cut2 = random.Next(cut1, bytes.Length);
            var c = Crc32C.Append(Crc32C.Append(Crc32C.Compute(bytes.AsSpan(0, cut1)), bytes.AsSpan(cut1, cut2 - cut1)), bytes.AsSpan(cut2));
            Assert.Equal(Crc32C.Compute(bytes), c);
        }
    }

    [Fact]
    public void Unaligned_starts_give_the_same_result()
    {
        var bytes = RandomBytes(40_000, seed: 11);
        for (var start = 0; start < 9; start++)
        {
            var slice = bytes.AsSpan(start, 30_000);
            Assert.Equal(BitwiseReference(slice.ToArray(), 0x82F63B78u), Crc32C.Compute(slice));
        }
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // One bit at a time, straight from the definition of a reflected CRC.
    private static uint BitwiseReference(byte[] data, uint polynomial)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1;
            }
        }

        return ~crc;
    }
}
