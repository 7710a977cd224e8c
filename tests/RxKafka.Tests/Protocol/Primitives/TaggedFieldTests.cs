using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Tagged-field buffers: counts, headers, unknown fields kept, sub-readers, sizes that lie.</summary>
public sealed class TaggedFieldTests
{
    [Fact]
    public void Empty_tagged_fields_are_a_single_zero()
    {
        AssertEncodes("00", (ref KafkaWriter w) => w.WriteEmptyTaggedFields());
        AssertEncodes("00", (ref KafkaWriter w) => w.WriteTaggedFieldCount(0));
        Assert.Null(Read("00", (ref KafkaReader r) => r.ReadUnknownTaggedFields()));
    }

    [Theory]
    [InlineData(0, 0, "00 00")]
    [InlineData(1, 2, "01 02")]
    [InlineData(300, 128, "AC02 8001")]
    [InlineData(int.MaxValue, 0, "FFFFFFFF07 00")]
    public void Header_is_tag_then_size_as_unsigned_varints(int tag, int size, string hex)
        => AssertEncodes(hex, (ref KafkaWriter w) => w.WriteTaggedFieldHeader(tag, size));

    [Fact]
    public void Unknown_fields_are_read_in_order_and_written_back_byte_for_byte()
    {
        // count 2 | tag 0, size 1, FF | tag 5, size 2, ABCD
        const string hex = "02 00 01 FF 05 02 ABCD";
        var fields = Read(hex, (ref KafkaReader r) => r.ReadUnknownTaggedFields());

        Assert.NotNull(fields);
        Assert.Equal(2, fields.Count);
        Assert.Equal(0, fields[0].Tag);
        Assert.Equal(new byte[] { 0xFF }, fields[0].Data);
        Assert.Equal(5, fields[1].Tag);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, fields[1].Data);

        AssertEncodes(hex, (ref KafkaWriter w) =>
        {
            w.WriteTaggedFieldCount(fields.Count);
            foreach (var field in fields)
            {
                w.WriteUnknownTaggedField(field);
            }
        });
    }

    [Fact]
    public void An_unknown_field_with_an_empty_value_is_kept()
    {
        var fields = Read("01 07 00", (ref KafkaReader r) => r.ReadUnknownTaggedFields());
        var field = Assert.Single(fields!);
        Assert.Equal(7, field.Tag);
        Assert.Empty(field.Data);
    }

    [Fact]
    public void Unknown_field_data_is_a_copy()
    {
        var buffer = Hex("2A 02 0102");
        var reader = new KafkaReader(buffer);
        var (tag, size) = reader.ReadTaggedFieldHeader();
        var field = reader.ReadUnknownTaggedField(tag, size);
        buffer[2] = 0;
        Assert.Equal(new TaggedField(42, field.Data), field);
        Assert.Equal(new byte[] { 1, 2 }, field.Data);
        Assert.True(reader.End);
    }

    [Fact]
    public void A_known_field_is_read_through_a_sub_reader_bounded_by_its_size()
    {
        // count 1 | tag 0, size 4, int32 00000007 | then an int16 after the buffer
        var reader = new KafkaReader(Hex("01 00 04 00000007 0102"));
        Assert.Equal(1, reader.ReadTaggedFieldCount());
        var (tag, size) = reader.ReadTaggedFieldHeader();
        Assert.Equal((0, 4), (tag, size));

        var sub = reader.ReadSubReader(size);
        Assert.Equal(7, sub.ReadInt32());
        sub.EnsureEnd("tagged field 0");
        Assert.Equal(7, reader.Position);
        Assert.Equal(0x0102, reader.ReadInt16());
    }

    [Fact]
    public void A_sub_reader_cannot_read_past_its_field_even_when_the_frame_goes_on()
    {
        var e = ReadFails("00000007 FFFF", (ref KafkaReader r) =>
        {
            var sub = r.ReadSubReader(2);
            return sub.ReadInt32();
        });
        Assert.Equal("truncated input: needed 4 bytes at offset 0, only 2 left", e.Message);
    }

    [Fact]
    public void EnsureEnd_rejects_unread_bytes_inside_a_field()
    {
        var e = ReadFails("00000007 FF", (ref KafkaReader r) =>
        {
            var sub = r.ReadSubReader(5);
            sub.ReadInt32();
            sub.EnsureEnd("tagged field 3 of FetchRequest");
            return 0;
        });
        Assert.Equal("malformed tagged field 3 of FetchRequest: 1 unread bytes left over", e.Message);
    }

    [Fact]
    public void A_sub_reader_larger_than_the_rest_is_truncated()
        => Assert.StartsWith("truncated input: needed 9 bytes at offset 0, only 3 left", ReadFails("010203", (ref KafkaReader r) => r.ReadSubReader(9).Remaining).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("01 03 0A 0102", "bad tagged field: tag 3 claims 10 bytes at offset 1 but only 2 bytes left")]
    [InlineData("01 8080808008 00", "bad tagged field: tag 2147483648 claims 0 bytes at offset 1 but only 0 bytes left")]
    [InlineData("05 00 00", "bad tagged field count: 5 claimed at offset 0 but only 2 bytes left")]
    [InlineData("02 00 00", "truncated input: unsigned varint at offset 3 runs past the end of the buffer")]
    [InlineData("01 01 FFFFFFFF1F", "bad varint: unsigned varint at offset 2 is longer than its maximum length")]
    public void Lying_tagged_field_buffers_are_protocol_errors(string hex, string message)
        => Assert.Equal(message, ReadFails(hex, (ref KafkaReader r) => r.ReadUnknownTaggedFields()).Message);

    [Fact]
    public void A_tagged_field_claiming_more_bytes_than_remain_fails_before_copying()
    {
        var bytes = Hex("01 00 FFFFFFFF07");
        ReadFails(bytes, (ref KafkaReader r) => r.ReadUnknownTaggedFields());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(bytes, (ref KafkaReader r) => r.ReadUnknownTaggedFields());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("bad tagged field: tag 0 claims 2147483647 bytes", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void The_writer_refuses_negative_counts_tags_and_sizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteTaggedFieldCount(-1);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteTaggedFieldHeader(-1, 0);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = KafkaWriter.CreateCounter();
            w.WriteTaggedFieldHeader(0, -1);
        });
    }
}
