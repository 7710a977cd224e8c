using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Strings, bytes and records: int16/int32 and compact lengths, null, empty, UTF-8, bad lengths, zero copy.</summary>
public sealed class StringAndBytesTests
{
    // "ü" is C3BC, "€" is E282AC, "𝄞" (a surrogate pair in UTF-16) is F09D849E: 4 chars in .NET, 9 UTF-8 bytes.
    private const string MultiByte = "ü€𝄞";
    private const string MultiByteHex = "C3BC E282AC F09D849E";

    [Theory]
    [InlineData("rx", false, "0002 7278")]
    [InlineData("rx", true, "03 7278")]
    [InlineData("", false, "0000")]
    [InlineData("", true, "01")]
    [InlineData(MultiByte, false, "0009 " + MultiByteHex)]
    [InlineData(MultiByte, true, "0A " + MultiByteHex)]
    public void String_is_a_byte_length_then_UTF8(string value, bool compact, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteString(value, compact));
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteNullableString(value, compact));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadString(compact)));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadNullableString(compact)));
    }

    [Theory]
    [InlineData(false, "FFFF")]
    [InlineData(true, "00")]
    public void Null_string_is_minus_one_or_compact_zero(bool compact, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteNullableString(null, compact));
        Assert.Null(Read(hex, (ref KafkaReader r) => r.ReadNullableString(compact)));
    }

    [Theory]
    [InlineData(false, "FFFF", 2)]
    [InlineData(true, "00", 1)]
    public void A_non_nullable_string_that_is_null_is_a_protocol_error(bool compact, string hex, int offset)
    {
        var e = ReadFails(hex, (ref KafkaReader r) => r.ReadString(compact));
        Assert.Equal($"malformed string: a non-nullable string was null at offset {offset}", e.Message);
    }

    [Theory]
    [InlineData("FFFE", "negative length: string length -2 at offset 0")]
    [InlineData("8000", "negative length: string length -32768 at offset 0")]
    public void A_string_length_below_minus_one_is_a_negative_length(string hex, string message)
        => Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadNullableString(false)).Message);

    [Theory]
    [InlineData(false, "0005 7278", "truncated input: needed 5 bytes at offset 2, only 2 left")]
    [InlineData(true, "06 7278", "truncated input: needed 5 bytes at offset 1, only 2 left")]
    [InlineData(false, "7FFF", "truncated input: needed 32767 bytes at offset 2, only 0 left")]
    [InlineData(true, "FFFFFFFF07", "truncated input: needed 2147483646 bytes at offset 5, only 0 left")]
    public void A_string_length_beyond_the_end_is_truncated(bool compact, string hex, string message)
        => Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadNullableString(compact)).Message);

    [Fact]
    public void A_compact_string_length_beyond_int32_is_rejected_before_any_arithmetic()
    {
        var e = ReadFails("FFFFFFFF0F", (ref KafkaReader r) => r.ReadNullableString(true));
        Assert.Equal("bad string length: compact length 4294967295 at offset 0 is larger than any buffer", e.Message);
    }

    [Fact]
    public void Compact_string_length_over_127_takes_a_two_byte_varint()
    {
        var value = new string('a', 200);
        var bytes = Buffered((ref KafkaWriter w) => w.WriteString(value, true));
        Assert.Equal("C901", ToHex(bytes.AsSpan(0, 2))); // 201 = 0xC9 0x01
        Assert.Equal(202, bytes.Length);
        Assert.Equal(value, Read(bytes, (ref KafkaReader r) => r.ReadString(true)));
    }

    [Fact]
    public void A_non_compact_string_holds_at_most_32767_UTF8_bytes()
    {
        var counter = KafkaWriter.CreateCounter();
        counter.WriteString(new string('x', short.MaxValue), false);
        Assert.Equal(2 + short.MaxValue, counter.BytesWritten);

        // 16384 two-byte characters are 32768 bytes, one too many, though only 16384 chars.
        var e = Assert.Throws<ArgumentException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteString(new string('ü', 16384), false);
        });
        Assert.Contains("32768 UTF-8 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteString_rejects_null()
        => Assert.Throws<ArgumentNullException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteString(null!, true);
        });

    [Theory]
    [InlineData(false, "00000003 010203")]
    [InlineData(true, "04 010203")]
    public void Bytes_are_a_length_then_the_bytes(bool compact, string hex)
    {
        byte[] value = [1, 2, 3];
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteBytes(value, compact));
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteNullableBytes(value, compact));
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteRecords(value, compact));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadBytes(compact)));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadNullableBytes(compact)));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadRecords(compact))!.Value.ToArray());
    }

    [Theory]
    [InlineData(false, "FFFFFFFF")]
    [InlineData(true, "00")]
    public void Null_bytes_and_null_records_stay_null(bool compact, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteNullableBytes(null, compact));
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteRecords(null, compact));
        Assert.Null(Read(hex, (ref KafkaReader r) => r.ReadNullableBytes(compact)));
        Assert.Null(Read(hex, (ref KafkaReader r) => r.ReadRecords(compact)));
    }

    [Theory]
    [InlineData(false, "00000000")]
    [InlineData(true, "01")]
    public void Empty_bytes_and_empty_records_are_not_null(bool compact, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteBytes([], compact));
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteRecords(ReadOnlyMemory<byte>.Empty, compact));
        Assert.Empty(Read(hex, (ref KafkaReader r) => r.ReadBytes(compact)));
        var records = Read(hex, (ref KafkaReader r) => r.ReadRecords(compact));
        Assert.NotNull(records);
        Assert.Equal(0, records.Value.Length);
    }

    [Theory]
    [InlineData(false, "FFFFFFFF", 4)]
    [InlineData(true, "00", 1)]
    public void Non_nullable_bytes_that_are_null_are_a_protocol_error(bool compact, string hex, int offset)
    {
        var e = ReadFails(hex, (ref KafkaReader r) => r.ReadBytes(compact));
        Assert.Equal($"malformed bytes: a non-nullable bytes field was null at offset {offset}", e.Message);
    }

    [Fact]
    public void A_bytes_or_records_length_below_minus_one_is_a_negative_length()
    {
        Assert.Equal("negative length: bytes length -2 at offset 0", ReadFails("FFFFFFFE", (ref KafkaReader r) => r.ReadNullableBytes(false)).Message);
        Assert.Equal("negative length: records length -2147483648 at offset 0", ReadFails("80000000", (ref KafkaReader r) => r.ReadRecords(false)).Message);
    }

    [Theory]
    [InlineData(false, "7FFFFFFF 00", "truncated input: needed 2147483647 bytes at offset 4, only 1 left")]
    [InlineData(true, "05 0102", "truncated input: needed 4 bytes at offset 1, only 2 left")]
    public void A_bytes_or_records_length_beyond_the_end_is_truncated(bool compact, string hex, string message)
    {
        Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadNullableBytes(compact)).Message);
        Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadRecords(compact)).Message);
    }

    [Fact]
    public void A_compact_bytes_length_beyond_int32_is_rejected()
    {
        Assert.Equal("bad bytes length: compact length 2147483648 at offset 0 is larger than any buffer", ReadFails("8080808008", (ref KafkaReader r) => r.ReadNullableBytes(true)).Message);
        Assert.Equal("bad records length: compact length 2147483648 at offset 0 is larger than any buffer", ReadFails("8080808008", (ref KafkaReader r) => r.ReadRecords(true)).Message);
    }

    [Fact]
    public void ReadBytes_copies_so_the_result_outlives_the_buffer()
    {
        var buffer = Hex("00000002 AABB");
        var reader = new KafkaReader(buffer);
        var bytes = reader.ReadBytes(false);
        buffer[4] = 0;
        Assert.Equal(new byte[] { 0xAA, 0xBB }, bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadRecords_is_a_zero_copy_slice_of_the_original_array(bool compact)
    {
        // The reader sees only [3..] of the array: offsets must add up.
        var prefix = compact ? "05" : "00000004";
        var array = Hex("EEEEEE 0102 " + prefix + "CAFEBABE 99");
        var reader = new KafkaReader(array.AsMemory(3));
        Assert.Equal(0x0102, reader.ReadInt16());
        var records = reader.ReadRecords(compact);

        Assert.NotNull(records);
        Assert.True(MemoryMarshal.TryGetArray(records.Value, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(3 + 2 + prefix.Length / 2, segment.Offset);
        Assert.Equal(4, segment.Count);
        Assert.Equal(0x99, (byte)reader.ReadInt8());
    }

    [Fact]
    public void ReadSlice_and_ReadSpan_share_memory_and_advance()
    {
        var array = Hex("00112233445566");
        var reader = new KafkaReader(array);
        reader.Skip(1);
        var slice = reader.ReadSlice(3);
        var span = reader.ReadSpan(2);

        Assert.True(MemoryMarshal.TryGetArray(slice, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(1, segment.Offset);
        Assert.Equal(3, segment.Count);
        Assert.True(Unsafe.AreSame(ref array[4], ref MemoryMarshal.GetReference(span)));
        Assert.Equal(6, reader.Position);
        Assert.Equal(1, reader.Remaining);
    }

    [Fact]
    public void ReadSlice_of_zero_bytes_at_the_end_is_empty()
    {
        var reader = new KafkaReader(Hex("01"));
        reader.ReadInt8();
        Assert.Equal(0, reader.ReadSlice(0).Length);
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(-1, "negative length: -1 at offset 0")]
    [InlineData(int.MinValue, "negative length: -2147483648 at offset 0")]
    [InlineData(4, "truncated input: needed 4 bytes at offset 0, only 3 left")]
    public void Slice_span_and_skip_reject_bad_lengths(int length, string message)
    {
        Assert.Equal(message, ReadFails("010203", (ref KafkaReader r) => r.ReadSlice(length)).Message);
        Assert.Equal(message, ReadFails("010203", (ref KafkaReader r) => r.ReadSpan(length).Length).Message);
        Assert.Equal(message, ReadFails("010203", (ref KafkaReader r) =>
        {
            r.Skip(length);
            return 0;
        }).Message);
    }

    [Fact]
    public void Large_bytes_go_through_a_buffer_writer_in_chunks()
    {
        var value = new byte[10_000];
        new Random(7).NextBytes(value);
        var output = new ExactSizeBufferWriter();
        var writer = new KafkaWriter(output);
        writer.WriteBytes(value, true);
        writer.Flush();

        Assert.Equal(2 + value.Length, writer.BytesWritten);
        Assert.True(output.GetSpanCalls > 2, "the value should have been copied in several chunks");
        Assert.Equal(value, Read(output.Written.ToArray(), (ref KafkaReader r) => r.ReadBytes(true)));
    }

    [Fact]
    public void A_buffer_writer_that_hands_out_too_little_is_reported()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new KafkaWriter(new StingyBufferWriter());
            w.WriteInt64(1);
        });
        Assert.Contains("returned 4 bytes when 8 were requested", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_buffer_too_small_for_raw_bytes_throws_before_copying_any()
    {
        var buffer = new byte[6];
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new KafkaWriter(buffer.AsSpan());
            w.WriteBytes(new byte[] { 1, 2, 3 }, false);
        });
        Assert.Equal("000000030000", ToHex(buffer));
    }

    [Fact]
    public void Utf8_text_round_trips_through_every_mode()
    {
        var text = "Grüße, 世界! " + MultiByte;
        var expected = Encoding.UTF8.GetBytes(text);
        var bytes = Buffered((ref KafkaWriter w) => w.WriteNullableString(text, true));
        Assert.Equal(expected.Length + 1, bytes[0]);
        Assert.Equal(expected, bytes[1..]);
        Assert.Equal(text, Read(bytes, (ref KafkaReader r) => r.ReadString(true)));
    }

    /// <summary>Hands out spans of exactly the size asked for, so writers must chunk.</summary>
    private sealed class ExactSizeBufferWriter : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();
        private byte[] _current = [];

        public int GetSpanCalls { get; private set; }

        public ReadOnlySpan<byte> Written => _inner.WrittenSpan;

        public void Advance(int count) => _inner.Write(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException();

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            GetSpanCalls++;
            _current = new byte[Math.Max(sizeHint, 1)];
            return _current;
        }
    }

    /// <summary>Breaks the IBufferWriter contract: always four bytes, whatever was asked.</summary>
    private sealed class StingyBufferWriter : IBufferWriter<byte>
    {
        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => new byte[4];

        public Span<byte> GetSpan(int sizeHint = 0) => new byte[4];
    }
}
