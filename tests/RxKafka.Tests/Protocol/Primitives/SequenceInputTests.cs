using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>A reader over a <see cref="ReadOnlySequence{T}"/> reads what a contiguous buffer reads, across segment boundaries too.</summary>
public sealed class SequenceInputTests
{
    private static readonly Guid SomeUuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    [Fact]
    public void Every_two_segment_split_reads_the_same_values()
    {
        var bytes = Sample();
        var expected = ReadAll(new KafkaReader(bytes));
        Assert.Equal(
            "-7|-32768|16909060|9223372036854775807|-2.5|00112233-4455-6677-8899-aabbccddeeff|4294967295|-300|-9223372036854775808|grüße|<null>|090807|0102030405|3:EE",
            expected);
        for (var split = 1; split < bytes.Length; split++)
        {
            var sequence = Segments(bytes[..split], bytes[split..]);
            Assert.False(sequence.IsSingleSegment);
            Assert.True(expected == ReadAll(new KafkaReader(sequence)), $"split at {split}");
        }
    }

    [Fact]
    public void One_byte_segments_read_the_same_values()
    {
        var bytes = Sample();
        var sequence = Segments(bytes.Select(b => new[] { b }).ToArray());
        Assert.Equal(bytes.Length, sequence.Length);
        Assert.Equal(ReadAll(new KafkaReader(bytes)), ReadAll(new KafkaReader(sequence)));
    }

    [Fact]
    public void Values_split_across_segments_are_reassembled()
    {
        // int32 01020304 split 01|0203|04, then the varint 300 (AC02) split AC|02.
        var sequence = Segments(Hex("01"), Hex("0203"), Hex("04AC"), Hex("02"));
        var reader = new KafkaReader(sequence);
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(300u, reader.ReadUnsignedVarInt());
        Assert.True(reader.End);
    }

    [Fact]
    public void A_single_segment_sequence_is_read_in_place()
    {
        var array = Hex("00000002 AABB");
        var reader = new KafkaReader(new ReadOnlySequence<byte>(array));
        var records = reader.ReadRecords(false);
        Assert.True(MemoryMarshal.TryGetArray(records!.Value, out var segment));
        Assert.Same(array, segment.Array);
        Assert.Equal(4, segment.Offset);
    }

    [Fact]
    public void A_truncated_multi_segment_sequence_is_reported_like_a_contiguous_one()
    {
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(Segments(Hex("0000"), Hex("00")));
            reader.ReadInt32();
        });
        Assert.Equal("truncated input: needed 4 bytes at offset 0, only 3 left", e.Message);
    }

    [Fact]
    public void An_empty_sequence_is_at_its_end()
    {
        var reader = new KafkaReader(ReadOnlySequence<byte>.Empty);
        Assert.True(reader.End);
        Assert.Equal(0, reader.Remaining);
    }

    private static byte[] Sample() => Buffered((ref KafkaWriter w) =>
    {
        w.WriteInt8(-7);
        w.WriteInt16(short.MinValue);
        w.WriteInt32(0x01020304);
        w.WriteInt64(long.MaxValue);
        w.WriteFloat64(-2.5);
        w.WriteUuid(SomeUuid);
        w.WriteUnsignedVarInt(uint.MaxValue);
        w.WriteVarInt(-300);
        w.WriteVarLong(long.MinValue);
        w.WriteString("grüße", true);
        w.WriteNullableString(null, false);
        w.WriteBytes(new byte[] { 9, 8, 7 }, false);
        w.WriteRecords(new byte[] { 1, 2, 3, 4, 5 }, true);
        w.WriteTaggedFieldCount(1);
        w.WriteUnknownTaggedField(new TaggedField(3, [0xEE]));
    });

    private static string ReadAll(KafkaReader reader)
    {
        var values = new List<object?>
        {
            reader.ReadInt8(),
            reader.ReadInt16(),
            reader.ReadInt32(),
            reader.ReadInt64(),
            reader.ReadFloat64(),
            reader.ReadUuid(),
            reader.ReadUnsignedVarInt(),
            reader.ReadVarInt(),
            reader.ReadVarLong(),
            reader.ReadString(true),
            reader.ReadNullableString(false) ?? "<null>",
            ToHex(reader.ReadBytes(false)),
            ToHex(reader.ReadRecords(true)!.Value.Span),
        };
        var tagged = reader.ReadUnknownTaggedFields()!;
        values.Add($"{tagged[0].Tag}:{ToHex(tagged[0].Data)}");
        Assert.True(reader.End);
        return string.Join("|", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
    }

    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
