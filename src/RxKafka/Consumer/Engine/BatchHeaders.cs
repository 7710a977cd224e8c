using System.Buffers.Binary;
using RxKafka.Protocol.Records;

namespace RxKafka.Consumer.Engine;

/// <summary>
/// Reads only the fixed headers of the batches in a records field: where the next fetch starts, and the
/// leader epoch of the last batch, without decompressing or checking anything (that waits for delivery,
/// off the I/O loop).
/// </summary>
internal static class BatchHeaders
{
    /// <summary>
    /// The offset after the last whole batch in <paramref name="records"/> and that batch's leader epoch
    /// (-1 before magic 2); false when not even one batch is whole (a batch larger than the fetch size).
    /// </summary>
    public static bool TryGetEnd(ReadOnlySpan<byte> records, out long nextOffset, out int lastEpoch)
    {
        nextOffset = -1;
        lastEpoch = -1;
        var position = 0;
        var found = false;
        while (TryNext(records[position..], out var next, out var epoch, out var size))
        {
            (nextOffset, lastEpoch, found) = (next, epoch, true);
            position += size;
        }

        return found;
    }

    /// <summary>
    /// The offset after the batch at the start of <paramref name="at"/>, its leader epoch and its size in
    /// bytes; false when the header is cut or the batch is not whole. A legacy (magic 0 or 1) entry's offset
    /// is its last record's, compressed wrappers included.
    /// </summary>
    public static bool TryNext(ReadOnlySpan<byte> at, out long nextOffset, out int epoch, out int size)
    {
        nextOffset = -1;
        epoch = -1;
        size = 0;
        if (at.Length < RecordBatch.LogOverhead + 5)
        {
            return false;
        }

        var baseOffset = BinaryPrimitives.ReadInt64BigEndian(at);
        var length = BinaryPrimitives.ReadInt32BigEndian(at[8..]);
        if (length < 0 || length > at.Length - RecordBatch.LogOverhead)
        {
            return false;
        }

        size = RecordBatch.LogOverhead + length;
        if (at[RecordBatch.MagicOffset] >= 2)
        {
            if (size < RecordBatch.HeaderSize)
            {
                return false;
            }

            epoch = BinaryPrimitives.ReadInt32BigEndian(at[RecordBatch.PartitionLeaderEpochOffset..]);
            nextOffset = baseOffset + BinaryPrimitives.ReadInt32BigEndian(at[RecordBatch.LastOffsetDeltaOffset..]) + 1;
        }
        else
        {
            nextOffset = baseOffset + 1;
        }

        return true;
    }
}
