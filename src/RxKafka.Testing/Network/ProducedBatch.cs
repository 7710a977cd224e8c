using System.Buffers.Binary;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;

namespace RxKafka.Testing.Network;

/// <summary>One batch of a Produce request, decoded and checked, its records copied out, ready to append.</summary>
internal sealed record ProducedBatch(
    byte Magic,
    CompressionType Compression,
    bool IsTransactional,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    long MaxTimestamp,
    byte[] Bytes,
    IReadOnlyList<ProducedRecord> Records)
{
    public bool IsIdempotent => ProducerId >= 0;

    /// <summary>Whether this is a control batch (a transaction marker the coordinator wrote; never from a client).</summary>
    public bool IsControl { get; init; }

    public int LastSequence => ScriptedPartitionLog.AddToSequence(BaseSequence, Records.Count - 1);

    /// <summary>
    /// The rules KafkaApis checks for Produce v3+ before a partition's log sees the records: one record batch,
    /// of magic 2, compressed with zstd only from v7.
    /// </summary>
    /// <returns><see cref="ErrorCode.None"/>, or the error and why.</returns>
    public static ErrorCode CheckRequestRules(ReadOnlySpan<byte> records, short version, out string? message)
    {
        message = null;
        if (version < 3)
        {
            return ErrorCode.None;
        }

        var frames = Frames(records);
        if (frames is null)
        {
            return ErrorCode.CorruptMessage;
        }

        if (frames.Count == 0)
        {
            message = $"Produce v{version} must carry one record batch per partition; this partition has none";
            return ErrorCode.InvalidRecord;
        }

        var (start, size) = frames[0];
        var magic = records[start + RecordBatch.MagicOffset];
        if (magic != 2)
        {
            message = $"Produce v{version} carries record batches of magic 2 only; this one has magic {magic}";
            return ErrorCode.InvalidRecord;
        }

        if (size >= RecordBatch.HeaderSize
            && (CompressionType)(BinaryPrimitives.ReadInt16BigEndian(records[(start + RecordBatch.AttributesOffset)..]) & RecordBatch.CompressionMask) == CompressionType.Zstd
            && version < 7)
        {
            message = $"Produce v{version} may not carry zstd-compressed batches (v7+ may)";
            return ErrorCode.UnsupportedCompressionType;
        }

        if (frames.Count > 1)
        {
            message = $"Produce v{version} carries exactly one record batch per partition; this partition has {frames.Count}";
            return ErrorCode.InvalidRecord;
        }

        return ErrorCode.None;
    }

    /// <summary>
    /// Decodes the records of one partition of a Produce request with a partition log's checks, in the order
    /// Kafka makes them: each batch's size against the limit, its CRC and framing, then the batch fields a
    /// client may not set.
    /// </summary>
    /// <returns><see cref="ErrorCode.None"/> and the batches, or the error (with why, for INVALID_RECORD).</returns>
    public static ErrorCode Decode(ReadOnlyMemory<byte> records, int maxMessageBytes, out List<ProducedBatch> batches, out string? message)
    {
        batches = new List<ProducedBatch>();
        message = null;
        var frames = Frames(records.Span);
        if (frames is null)
        {
            return ErrorCode.CorruptMessage;
        }

        if (frames.Any(f => f.Size > maxMessageBytes))
        {
            return ErrorCode.MessageTooLarge;
        }

        using var reader = new RecordBatchReader(records, checkCrcs: true);
        try
        {
            foreach (var (start, size) in frames)
            {
                reader.TryReadBatch(out var batch);
                if (Invalid(batch) is { } why)
                {
                    message = why;
                    return ErrorCode.InvalidRecord;
                }

                var copied = new List<ProducedRecord>(batch.RecordCount);
                var maxTimestamp = -1L;
                foreach (var record in batch)
                {
                    if (batch.Magic == 2 && record.Offset - batch.BaseOffset != copied.Count)
                    {
                        message = $"record {copied.Count} of the batch has offset delta {record.Offset - batch.BaseOffset}; a producer numbers its records 0, 1, 2, ...";
                        return ErrorCode.InvalidRecord;
                    }

                    copied.Add(ProducedRecord.Copy(record));
                    maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
                }

                batches.Add(new ProducedBatch(
                    batch.Magic,
                    batch.Compression,
                    batch.IsTransactional,
                    batch.ProducerId,
                    batch.ProducerEpoch,
                    batch.BaseSequence,
                    batch.Magic == 2 ? batch.MaxTimestamp : maxTimestamp,
                    records.Slice(start, size).ToArray(),
                    copied));
            }
        }
        catch (KafkaProtocolException)
        {
            // A CRC that does not match, a length that does not add up, a payload that does not decompress.
            batches.Clear();
            return ErrorCode.CorruptMessage;
        }

        return ErrorCode.None;
    }

    // Where each batch starts and how long it is (12 bytes of offset and length, then the length), or null
    // when the bytes are not a whole number of batches. (Kafka trims a partial trailing batch; this broker
    // calls it corrupt, which a producer never sends.)
    private static List<(int Start, int Size)>? Frames(ReadOnlySpan<byte> records)
    {
        var frames = new List<(int, int)>();
        var position = 0;
        while (position < records.Length)
        {
            var left = records.Length - position;
            if (left < RecordBatch.LogOverhead)
            {
                return null;
            }

            var size = RecordBatch.LogOverhead + (long)BinaryPrimitives.ReadInt32BigEndian(records[(position + 8)..]);
            if (size < RecordBatch.LogOverhead + LegacyMessage.OverheadV0 || size > left)
            {
                return null;
            }

            frames.Add((position, (int)size));
            position += (int)size;
        }

        return frames;
    }

    // What LogValidator refuses from a client in a batch whose CRC is right.
    private static string? Invalid(in RecordBatch batch)
    {
        if (batch.Magic < 2)
        {
            return null;
        }

        if (batch.IsControl)
        {
            return "clients may not write control batches";
        }

        if (batch.RecordCount == 0)
        {
            return "a record batch from a client holds at least one record";
        }

        if (batch.LastOffsetDelta != batch.RecordCount - 1)
        {
            return $"the batch's last offset delta is {batch.LastOffsetDelta} but it holds {batch.RecordCount} records";
        }

        if (batch.ProducerId >= 0 && batch.BaseSequence < 0)
        {
            return $"the batch of producer {batch.ProducerId} has base sequence {batch.BaseSequence}; an idempotent batch starts at a sequence of 0 or more";
        }

        return null;
    }
}

/// <summary>One record of a <see cref="ProducedBatch"/>, copied out of the request's (or the decompression) buffer.</summary>
internal readonly record struct ProducedRecord(long Timestamp, byte[]? Key, byte[]? Value, RecordHeader[] Headers)
{
    public static ProducedRecord Copy(in Record record)
    {
        var headers = new RecordHeader[record.Headers.Count];
        var n = 0;
        foreach (var header in record.Headers)
        {
            headers[n++] = new RecordHeader(header.Key, header.IsValueNull ? null : header.Value.ToArray());
        }

        return new ProducedRecord(
            record.Timestamp,
            record.IsKeyNull ? null : record.Key.ToArray(),
            record.IsValueNull ? null : record.Value.ToArray(),
            headers);
    }
}
