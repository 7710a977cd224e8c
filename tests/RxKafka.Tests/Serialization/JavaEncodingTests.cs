using System.Text;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>
/// The built-ins write exactly the bytes of the Java client's serializers of the same kind, worked out
/// by hand from the formats (two's complement and IEEE 754, big-endian; UTF-8; UUID.toString()), and
/// read them back (I1).
/// </summary>
public sealed class JavaEncodingTests
{
    [Theory]
    [InlineData(0, "00000000")]
    [InlineData(1, "00000001")]
    [InlineData(-1, "FFFFFFFF")]
    [InlineData(256, "00000100")]
    [InlineData(0x12345678, "12345678")]
    [InlineData(int.MaxValue, "7FFFFFFF")]
    [InlineData(int.MinValue, "80000000")]
    public void Int32_is_IntegerSerializer(int value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Int32, value));
        Assert.Equal(value, Read(Deserializers.Int32, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(0L, "0000000000000000")]
    [InlineData(1L, "0000000000000001")]
    [InlineData(-1L, "FFFFFFFFFFFFFFFF")]
    [InlineData(-2L, "FFFFFFFFFFFFFFFE")]
    [InlineData(0x0102030405060708L, "0102030405060708")]
    [InlineData(1_700_000_000_000L, "0000018BCFE56800")]
    [InlineData(long.MinValue, "8000000000000000")]
    public void Int64_is_LongSerializer(long value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Int64, value));
        Assert.Equal(value, Read(Deserializers.Int64, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData((short)1, "0001")]
    [InlineData((short)-2, "FFFE")]
    [InlineData((short)0x1234, "1234")]
    [InlineData(short.MinValue, "8000")]
    public void Int16_is_ShortSerializer(short value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Int16, value));
        Assert.Equal(value, Read(Deserializers.Int16, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData(1.5, "3FF8000000000000")] // sign 0, exponent 1023 (3FF), fraction .1b
    [InlineData(-2.0, "C000000000000000")]
    [InlineData(0.0, "0000000000000000")]
    [InlineData(-0.0, "8000000000000000")]
    [InlineData(double.PositiveInfinity, "7FF0000000000000")]
    [InlineData(double.Epsilon, "0000000000000001")]
    public void Double_is_DoubleSerializer(double value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Double, value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(Read(Deserializers.Double, Convert.FromHexString(hex))));
    }

    [Fact]
    public void Double_writes_every_NaN_as_the_Java_canonical_NaN()
    {
        // Java's DoubleSerializer uses doubleToLongBits, which maps every NaN to 0x7ff8000000000000L;
        // .NET's double.NaN has the sign bit set (FFF8...).
        Assert.Equal(unchecked((long)0xFFF8_0000_0000_0000), BitConverter.DoubleToInt64Bits(double.NaN));
        Assert.Equal("7FF8000000000000", Hex(Serializers.Double, double.NaN));
        Assert.Equal("7FF8000000000000", Hex(Serializers.Double, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001)));
        Assert.True(double.IsNaN(Read(Deserializers.Double, Convert.FromHexString("FFF0000000000001"))));
    }

    [Theory]
    [InlineData(1.5f, "3FC00000")] // sign 0, exponent 127 (7F), fraction .1b
    [InlineData(-2.0f, "C0000000")]
    [InlineData(float.NegativeInfinity, "FF800000")]
    [InlineData(float.NaN, "FFC00000")] // Java's FloatSerializer uses floatToRawIntBits: the NaN is kept as is
    public void Single_is_FloatSerializer(float value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Single, value));
        Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(Read(Deserializers.Single, Convert.FromHexString(hex))));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("orders", "6F7264657273")]
    [InlineData("héllo", "68C3A96C6C6F")] // é = U+00E9 = C3 A9
    [InlineData("€", "E282AC")] // U+20AC
    [InlineData("日本", "E697A5E69CAC")] // U+65E5 U+672C
    [InlineData("\U0001D11E", "F09D849E")] // G clef, a surrogate pair in UTF-16, 4 bytes in UTF-8
    public void Utf8_is_StringSerializer_without_a_byte_order_mark(string value, string hex)
    {
        Assert.Equal(hex, Hex(Serializers.Utf8, value));
        Assert.Equal(value, Read(Deserializers.Utf8, Convert.FromHexString(hex)));
    }

    [Fact]
    public void Utf8_writes_a_lone_surrogate_as_a_question_mark_as_Java_does()
    {
        // Java's String.getBytes(UTF_8) replaces what is not well-formed UTF-16 with '?' (3F).
        // (A fact, not a theory: test-case data would not carry a lone surrogate intact.)
        Assert.Equal("3F", Hex(Serializers.Utf8, "\uD800")); // a lone high surrogate
        Assert.Equal("613F62", Hex(Serializers.Utf8, "a\uDC00b")); // a lone low surrogate
        Assert.Equal("3F3F", Hex(Serializers.Utf8, "\uDC00\uD800")); // a pair in the wrong order is two lone surrogates
        Assert.Equal("3FF09D849E", Hex(Serializers.Utf8, "\uD800\U0001D11E")); // a lone one before a good pair
    }

    [Fact]
    public void Utf8_reads_invalid_bytes_as_the_replacement_character()
        => Assert.Equal("a\uFFFDb", Read(Deserializers.Utf8, [0x61, 0xFF, 0x62]));

    [Fact]
    public void Guid_is_UUIDSerializer_the_string_form_in_utf8()
    {
        // java.util.UUID.fromString("00112233-4455-6677-8899-aabbccddeeff").toString() is the same string,
        // and UUIDSerializer writes its UTF-8 bytes: 36 of them, lower-case hex and hyphens.
        var uuid = System.Guid.Parse("00112233-4455-6677-8899-AABBCCDDEEFF");

        var bytes = Write(Serializers.Guid, uuid)!;

        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff"u8.ToArray(), bytes);
        Assert.Equal("3030313132323333", Convert.ToHexString(bytes, 0, 8));
        Assert.Equal(uuid, Read(Deserializers.Guid, bytes));
    }

    [Fact]
    public void Guid_reads_upper_case_hex_as_Java_UUID_fromString_does()
        => Assert.Equal(
            System.Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"),
            Read(Deserializers.Guid, Encoding.ASCII.GetBytes("00112233-4455-6677-8899-AABBCCDDEEFF")));

    [Fact]
    public void ByteArray_and_ReadOnlyMemory_write_the_bytes_as_they_are()
    {
        byte[] bytes = [0x00, 0xFF, 0x10];

        Assert.Equal("00FF10", Hex(Serializers.ByteArray, bytes));
        Assert.Equal("00FF10", Hex(Serializers.ReadOnlyMemory, new ReadOnlyMemory<byte>([0x42, .. bytes, 0x42], 1, 3)));
        Assert.Equal("", Hex(Serializers.ByteArray, []));
        Assert.Equal("", Hex(Serializers.ReadOnlyMemory, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Deserialized_bytes_are_copies_that_outlive_the_record()
    {
        byte[] record = [1, 2, 3];

        var array = Read(Deserializers.ByteArray, record)!;
        var memory = Read(Deserializers.ReadOnlyMemory, record);
        record[0] = 9;

        Assert.Equal([1, 2, 3], array);
        Assert.Equal([1, 2, 3], memory.ToArray());
    }
}
