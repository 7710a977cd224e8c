using RxKafka.Protocol.Compression;

namespace RxKafka.Protocol.Records;

/// <summary>Reading legacy message sets (magic 0 and 1) through the record batch API.</summary>
public sealed partial class RecordBatchReader
{
    private RecordBatch ReadLegacy(ReadOnlySpan<byte> whole, int start)
    {
        var message = LegacyMessage.Parse(whole, 0, CheckCrcs, "message");
        var compression = message.Attributes & RecordBatch.CompressionMask;
        if (compression > (int)CompressionType.Zstd || (compression == (int)CompressionType.Zstd))
        {
            throw new KafkaProtocolException(compression == (int)CompressionType.Zstd
                ? $"bad compression: magic {message.Magic} message at offset {message.Offset} uses zstd, which only record batches v2 may use"
                : $"unknown compression type {compression} in magic {message.Magic} message at offset {message.Offset} (attributes 0x{message.Attributes:X2}): Kafka defines 0 (none) to 3 (lz4) for legacy messages");
        }

        var batch = new RecordBatch
        {
            BaseOffset = message.Offset,
            BatchLength = message.Size,
            PartitionLeaderEpoch = -1,
            Magic = message.Magic,
            Crc = message.Crc,
            Attributes = (short)(message.Attributes & (RecordBatch.CompressionMask | (message.Magic == 0 ? 0 : RecordBatch.TimestampTypeFlag))),
            LastOffsetDelta = 0,
            BaseTimestamp = message.Timestamp,
            MaxTimestamp = message.Timestamp,
            ProducerId = -1,
            ProducerEpoch = -1,
            BaseSequence = -1,
            RecordCount = 1,
            RecordsData = _records.Slice(start, whole.Length),
            Format = RecordBatch.RecordFormat.LegacySingle,
        };

        if (compression == 0)
        {
            return batch;
        }

        if (message.IsValueNull)
        {
            throw new KafkaProtocolException($"bad compressed message: the magic {message.Magic} wrapper message at offset {message.Offset} has a null value");
        }

        var type = (CompressionType)compression;
        var inner = Decompress(type, whole.Slice(message.ValueStart, message.ValueLength), message.Offset, $"magic {message.Magic} wrapper message", legacyLz4: type == CompressionType.Lz4 && message.Magic == 0);
        var (count, firstOffset, lastOffset) = ScanInnerMessages(inner.Span, message);

        // Magic 1 inner offsets are relative: the wrapper carries the offset of the last inner
        // message. A wrapper whose offset is smaller than that (a producer's, before the broker
        // assigned offsets) leaves the inner offsets as they are, as the Java client does.
        var adjustment = message.Magic == 0 ? 0L : Math.Max(0L, message.Offset - lastOffset);
        var first = firstOffset + adjustment;
        var span = (lastOffset + adjustment) - first;
        if (span is < int.MinValue or > int.MaxValue)
        {
            throw new KafkaProtocolException($"bad compressed message: inner offsets of the wrapper at offset {message.Offset} span {span}, more than a batch can hold");
        }

        return batch with
        {
            BaseOffset = first,
            LastOffsetDelta = (int)span,
            RecordCount = count,
            RecordsData = inner,
            Format = RecordBatch.RecordFormat.LegacyInner,
            InnerOffsetAdjustment = adjustment,
        };
    }

    /// <summary>Checks every inner message of a wrapper (lengths, CRCs, magic, no nested compression).</summary>
    private (int Count, long FirstOffset, long LastOffset) ScanInnerMessages(ReadOnlySpan<byte> inner, in LegacyMessage wrapper)
    {
        var where = $"inner message of the wrapper at offset {wrapper.Offset}";
        int count = 0, position = 0;
        long first = 0, last = 0;
        while (position < inner.Length)
        {
            var message = LegacyMessage.Parse(inner, position, CheckCrcs, where);
            if (message.Magic > wrapper.Magic)
            {
                throw new KafkaProtocolException($"bad compressed message: {where} has magic {message.Magic}, newer than the wrapper's magic {wrapper.Magic}");
            }

            if (message.Compression != CompressionType.None)
            {
                throw new KafkaProtocolException($"bad compressed message: {where} at inner offset {message.Offset} is itself compressed ({message.Compression}); only one level of compression is allowed");
            }

            if (count == 0)
            {
                first = message.Offset;
            }

            last = message.Offset;
            count++;
            position = message.End;
        }

        if (count == 0)
        {
            throw new KafkaProtocolException($"bad compressed message: the wrapper at offset {wrapper.Offset} contains no messages");
        }

        return (count, first, last);
    }

    private static void DecompressLegacyLz4(ReadOnlySpan<byte> source, PooledBufferWriter destination, int maxOutputBytes)
        // Magic 0 LZ4 (Kafka before 0.10) computed the frame header checksum wrongly (KAFKA-3160).
        => KafkaCompression.Decompress(CompressionType.Lz4, source, destination, maxOutputBytes, legacyLz4HeaderChecksum: true);
}
