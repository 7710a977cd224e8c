using System.Buffers;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Fixed-width types against hand-written big-endian bytes, in every writer mode and back.</summary>
public sealed class FixedWidthTests
{
    [Theory]
    [InlineData((sbyte)0, "00")]
    [InlineData((sbyte)1, "01")]
    [InlineData((sbyte)-1, "FF")]
    [InlineData(sbyte.MinValue, "80")]
    [InlineData(sbyte.MaxValue, "7F")]
    public void Int8_writes_the_given_byte_and_reads_it_back(sbyte value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteInt8(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadInt8()));
    }

    [Theory]
    [InlineData(false, "00")]
    [InlineData(true, "01")]
    public void Boolean_writes_the_given_byte_and_reads_it_back(bool value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteBoolean(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadBoolean()));
    }

    [Theory]
    [InlineData("02")]
    [InlineData("7F")]
    [InlineData("FF")]
    public void Boolean_reads_any_non_zero_byte_as_true(string hex)
        => Assert.True(Read(hex, (ref KafkaReader r) => r.ReadBoolean()));

    [Theory]
    [InlineData((short)0, "0000")]
    [InlineData((short)0x1234, "1234")]
    [InlineData((short)-1, "FFFF")]
    [InlineData((short)-2, "FFFE")]
    [InlineData(short.MinValue, "8000")]
    [InlineData(short.MaxValue, "7FFF")]
    public void Int16_writes_the_given_big_endian_bytes_and_reads_them_back(short value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteInt16(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadInt16()));
    }

    [Theory]
    [InlineData((ushort)0, "0000")]
    [InlineData((ushort)0xABCD, "ABCD")]
    [InlineData((ushort)0x8000, "8000")]
    [InlineData(ushort.MaxValue, "FFFF")]
    public void UInt16_writes_the_given_big_endian_bytes_and_reads_them_back(ushort value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteUInt16(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadUInt16()));
    }

    [Theory]
    [InlineData(0, "00000000")]
    [InlineData(0x01020304, "01020304")]
    [InlineData(-1, "FFFFFFFF")]
    [InlineData(-2, "FFFFFFFE")]
    [InlineData(int.MinValue, "80000000")]
    [InlineData(int.MaxValue, "7FFFFFFF")]
    public void Int32_writes_the_given_big_endian_bytes_and_reads_them_back(int value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteInt32(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadInt32()));
    }

    [Theory]
    [InlineData(0u, "00000000")]
    [InlineData(0xDEADBEEFu, "DEADBEEF")]
    [InlineData(0x80000000u, "80000000")]
    [InlineData(uint.MaxValue, "FFFFFFFF")]
    public void UInt32_writes_the_given_big_endian_bytes_and_reads_them_back(uint value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteUInt32(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadUInt32()));
    }

    [Theory]
    [InlineData(0L, "0000000000000000")]
    [InlineData(0x0102030405060708L, "0102030405060708")]
    [InlineData(-1L, "FFFFFFFFFFFFFFFF")]
    [InlineData(-256L, "FFFFFFFFFFFFFF00")]
    [InlineData(long.MinValue, "8000000000000000")]
    [InlineData(long.MaxValue, "7FFFFFFFFFFFFFFF")]
    public void Int64_writes_the_given_big_endian_bytes_and_reads_them_back(long value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteInt64(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadInt64()));
    }

    [Theory]
    [InlineData(0.0, "0000000000000000")]
    [InlineData(-0.0, "8000000000000000")]
    [InlineData(1.0, "3FF0000000000000")]
    [InlineData(-2.5, "C004000000000000")]
    [InlineData(0.1, "3FB999999999999A")]
    [InlineData(double.MaxValue, "7FEFFFFFFFFFFFFF")]
    [InlineData(double.MinValue, "FFEFFFFFFFFFFFFF")]
    [InlineData(double.Epsilon, "0000000000000001")]
    [InlineData(double.PositiveInfinity, "7FF0000000000000")]
    [InlineData(double.NegativeInfinity, "FFF0000000000000")]
    public void Float64_writes_the_given_IEEE_754_bits_and_reads_them_back(double value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteFloat64(value));
        var read = Read(hex, (ref KafkaReader r) => r.ReadFloat64());
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }

    [Fact]
    public void Float64_reads_javas_canonical_NaN()
        => Assert.True(double.IsNaN(Read("7FF8000000000000", (ref KafkaReader r) => r.ReadFloat64())));

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000")]
    [InlineData("00112233-4455-6677-8899-aabbccddeeff", "00112233445566778899AABBCCDDEEFF")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    [InlineData("80000000-0000-0000-0000-000000000001", "80000000000000000000000000000001")]
    public void Uuid_is_sixteen_bytes_most_significant_first(string guid, string hex)
    {
        var value = Guid.Parse(guid);
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteUuid(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadUuid()));
    }

    [Fact]
    public void Uuid_most_significant_bits_match_javas_getMostSignificantBits()
    {
        Assert.Equal(0x0011223344556677L, Uuid.MostSignificantBits(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")));
        Assert.Equal(unchecked((long)0x8000000000000000UL), Uuid.MostSignificantBits(Guid.Parse("80000000-0000-0000-ffff-ffffffffffff")));
    }

    [Fact]
    public void Mixed_fields_follow_each_other_without_padding()
    {
        // int8 01 | bool 01 | int16 0203 | int32 04050607 | int64 08..0F | uint16 1011
        const string hex = "01 01 0203 04050607 08090A0B0C0D0E0F 1011";
        AssertEncodes(hex, (ref KafkaWriter w) =>
        {
            w.WriteInt8(1);
            w.WriteBoolean(true);
            w.WriteInt16(0x0203);
            w.WriteInt32(0x04050607);
            w.WriteInt64(0x08090A0B0C0D0E0F);
            w.WriteUInt16(0x1011);
        });

        var reader = new KafkaReader(Hex(hex));
        Assert.Equal(1, reader.ReadInt8());
        Assert.Equal(1, reader.Position);
        Assert.True(reader.ReadBoolean());
        Assert.Equal(0x0203, reader.ReadInt16());
        Assert.Equal(0x04050607, reader.ReadInt32());
        Assert.Equal(0x08090A0B0C0D0E0F, reader.ReadInt64());
        Assert.Equal(2, reader.Remaining);
        Assert.False(reader.End);
        Assert.Equal(0x1011, reader.ReadUInt16());
        Assert.True(reader.End);
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("01", 2)]
    [InlineData("010203", 4)]
    [InlineData("01020304050607", 8)]
    public void Reading_past_the_end_is_a_truncated_protocol_error(string hex, int needed)
    {
        var e = ReadFails(hex, (ref KafkaReader r) => needed switch
        {
            1 => r.ReadInt8(),
            2 => r.ReadInt16(),
            4 => r.ReadInt32(),
            _ => r.ReadInt64(),
        });
        Assert.StartsWith("truncated input", e.Message, StringComparison.Ordinal);
        Assert.Contains($"needed {needed} bytes at offset 0, only {hex.Length / 2} left", e.Message, StringComparison.Ordinal);
        Assert.Equal(RxKafka.ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void A_truncated_uuid_names_its_offset()
    {
        var e = ReadFails("AABB" + new string('0', 30), (ref KafkaReader r) => (r.ReadInt16(), r.ReadUuid()));
        Assert.Equal("truncated input: needed 16 bytes at offset 2, only 15 left", e.Message);
    }

    [Fact]
    public void Buffered_writer_commits_only_on_flush_and_keeps_appending_after_it()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        writer.WriteInt32(0x01020304);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(4, writer.BytesWritten);

        writer.Flush();
        Assert.Equal("01020304", ToHex(output.WrittenSpan));
        writer.Flush(); // a second flush commits nothing more
        Assert.Equal(4, output.WrittenCount);

        writer.WriteInt16(0x0506);
        Assert.Equal(4, output.WrittenCount);
        Assert.Equal(6, writer.BytesWritten);
        writer.Flush();
        Assert.Equal("010203040506", ToHex(output.WrittenSpan));
    }

    [Fact]
    public void Buffered_writer_appends_after_what_the_output_already_holds()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write(new byte[] { 0xEE });
        var writer = new KafkaWriter(output);
        writer.WriteInt16(0x0102);
        writer.Flush();
        Assert.Equal("EE0102", ToHex(output.WrittenSpan));
        Assert.Equal(2, writer.BytesWritten);
    }

    [Fact]
    public void Buffered_writer_handles_more_than_one_buffer_of_output()
    {
        var output = new ArrayBufferWriter<byte>(1);
        var writer = new KafkaWriter(output);
        for (var i = 0; i < 1000; i++)
        {
            writer.WriteInt32(i);
        }

        writer.Flush();
        Assert.Equal(4000, output.WrittenCount);
        var reader = new KafkaReader(output.WrittenMemory);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(i, reader.ReadInt32());
        }
    }

    [Fact]
    public void Fixed_writer_fills_a_larger_buffer_from_the_front_and_reports_its_size()
    {
        var buffer = new byte[8];
        Array.Fill(buffer, (byte)0xCC);
        var writer = new KafkaWriter(buffer.AsSpan());
        writer.WriteInt16(-2);
        writer.WriteInt8(5);
        writer.Flush(); // no-op for a fixed buffer
        Assert.Equal(3, writer.BytesWritten);
        Assert.Equal("FFFE05CCCCCCCCCC", ToHex(buffer));
    }

    [Fact]
    public void Fixed_writer_overflow_throws_ArgumentException_and_writes_nothing_of_the_failing_value()
    {
        var buffer = new byte[5];
        var e = Assert.Throws<ArgumentException>(() =>
        {
            var w = new KafkaWriter(buffer.AsSpan());
            w.WriteInt16(0x0102);
            w.WriteInt32(0x03040506);
        });
        Assert.Contains("too small", e.Message, StringComparison.Ordinal);
        Assert.Equal("0102000000", ToHex(buffer));
    }

    [Fact]
    public void Default_writer_has_no_room()
        => Assert.Throws<ArgumentException>(() =>
        {
            var w = default(KafkaWriter);
            w.WriteInt8(1);
        });

    [Fact]
    public void Buffer_writer_constructor_rejects_null()
        => Assert.Throws<ArgumentNullException>(() =>
        {
            _ = new KafkaWriter((IBufferWriter<byte>)null!);
        });
}
