using System.Buffers;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>The hot-path primitives allocate nothing.</summary>
public sealed class PrimitiveAllocationTests
{
    private const int Rounds = 1000;

    [Fact]
    public void Reading_fixed_width_varints_uuids_and_slices_allocates_nothing()
    {
        ReadFrame(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var checksum = ReadFrame();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(ReadFrame(), checksum);
    }

    [Fact]
    public void Reading_from_a_single_segment_sequence_allocates_nothing()
    {
        var sequence = new ReadOnlySequence<byte>(Frame);
        ReadSequence(sequence);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var value = ReadSequence(sequence);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, value);

        static long ReadSequence(in ReadOnlySequence<byte> sequence)
        {
            var reader = new KafkaReader(sequence);
            return reader.ReadInt32() + reader.ReadInt64();
        }
    }

    [Fact]
    public void Writing_fixed_width_and_varints_into_a_span_allocates_nothing()
    {
        var buffer = new byte[Frame.Length];
        WriteFrame(buffer);
        Array.Clear(buffer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var written = WriteFrame(buffer);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(Frame.Length, written);
        Assert.Equal(Frame, buffer);
    }

    [Fact]
    public void Counting_allocates_nothing()
    {
        CountFrame();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var size = CountFrame();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(Frame.Length, size);
    }

    private static long ReadFrame()
    {
        var reader = new KafkaReader(Frame);
        long sum = 0;
        for (var i = 0; i < Rounds; i++)
        {
            sum += reader.ReadInt32();
            sum += reader.ReadInt64();
            sum += reader.ReadVarInt();
            sum += reader.ReadVarLong();
            sum += reader.ReadUnsignedVarInt();
            sum += reader.ReadUuid().GetHashCode();
            sum += reader.ReadInt16();
            sum += reader.ReadBoolean() ? 1 : 0;
            sum += reader.ReadUnsignedVarInt();
            sum += reader.ReadSlice(3).Length;
        }

        Assert.True(reader.End);
        return sum;
    }

    private static readonly Guid SomeUuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
    private static readonly byte[] Payload = [1, 2, 3];

    // What the read test reads: the frame the write tests write (after SomeUuid and Payload, which it uses).
    private static readonly byte[] Frame = Buffered(WriteAll);

    private static long WriteFrame(Span<byte> buffer)
    {
        var writer = new KafkaWriter(buffer);
        WriteAll(ref writer);
        return writer.BytesWritten;
    }

    private static long CountFrame()
    {
        var writer = KafkaWriter.CreateCounter();
        WriteAll(ref writer);
        return writer.BytesWritten;
    }

    private static void WriteAll(ref KafkaWriter w)
    {
        for (var i = 0; i < Rounds; i++)
        {
            w.WriteInt32(i);
            w.WriteInt64(-i);
            w.WriteVarInt(i * 1000);
            w.WriteVarLong(-i * 1_000_000_000L);
            w.WriteUnsignedVarInt((uint)i);
            w.WriteUuid(SomeUuid);
            w.WriteInt16((short)i);
            w.WriteBoolean(true);
            w.WriteBytes(Payload, true);
        }
    }
}
