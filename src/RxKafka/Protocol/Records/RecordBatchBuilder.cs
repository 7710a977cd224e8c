using System.Buffers;
using System.Buffers.Binary;
using RxKafka.Protocol.Compression;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Protocol.Records;

/// <summary>
/// Builds one v2 record batch at a time, the way a producer accumulates a partition's records:
/// set the batch fields, <see cref="Append(long, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{RecordHeader})"/>
/// records, <see cref="Build(CompressionType, int?)"/> (lengths, offset and timestamp deltas and the
/// CRC-32C are worked out here), then <see cref="Reset"/> and reuse. Buffers are pooled and kept
/// across <see cref="Reset"/>, so appending allocates nothing once the builder is warm.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBufferWriter _records;
    private readonly System.Buffers.ArrayPool<byte>? _pool;
    private PooledBufferWriter? _compressed;
    private int _count;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private long _deleteHorizonMs = -1;

    /// <summary>Creates a builder whose buffer starts with room for <paramref name="initialCapacity"/> bytes.</summary>
    public RecordBatchBuilder(int initialCapacity = 16 * 1024)
        : this(initialCapacity, null)
    {
    }

    /// <summary>A builder whose buffers come from <paramref name="pool"/> (the producer's own, sized for its batches).</summary>
    internal RecordBatchBuilder(int initialCapacity, System.Buffers.ArrayPool<byte>? pool)
    {
        _pool = pool;
        _records = new PooledBufferWriter(Math.Max(initialCapacity, RecordBatch.HeaderSize), pool);
        Reset();
    }

    /// <summary>The offset of the first record (0 from a producer; the broker assigns offsets).</summary>
    public long BaseOffset { get; set; }

    /// <summary>The partition leader epoch (-1 from a producer).</summary>
    public int PartitionLeaderEpoch { get; set; } = -1;

    /// <summary>The producer id of an idempotent or transactional producer, or -1.</summary>
    public long ProducerId { get; set; } = -1;

    /// <summary>The producer epoch, or -1.</summary>
    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The sequence number of the first record, or -1.</summary>
    public int BaseSequence { get; set; } = -1;

    /// <summary>Whether the batch belongs to a transaction.</summary>
    public bool IsTransactional { get; set; }

    /// <summary>Whether the batch holds control records (see <see cref="AppendControlRecord"/>).</summary>
    public bool IsControl { get; set; }

    /// <summary>The timestamp type; with <see cref="TimestampType.LogAppendTime"/>, <see cref="LogAppendTime"/> becomes the max timestamp.</summary>
    public TimestampType TimestampType { get; set; } = TimestampType.CreateTime;

    /// <summary>The log append time written as the max timestamp when <see cref="TimestampType"/> is LogAppendTime.</summary>
    public long LogAppendTime { get; set; } = -1;

    /// <summary>
    /// The delete horizon of a compacted batch, or -1. When set (before the first record), it is
    /// the base timestamp and the batch's hasDeleteHorizonMs attribute is set.
    /// </summary>
    public long DeleteHorizonMs
    {
        get => _deleteHorizonMs;
        set
        {
            if (_count > 0)
            {
                throw new InvalidOperationException("the delete horizon is the base timestamp, so it must be set before the first record is appended");
            }

            _deleteHorizonMs = value;
        }
    }

    /// <summary>The number of records appended since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>The size of the batch so far, uncompressed: header plus records.</summary>
    public int SizeInBytes => _records.WrittenCount;

    /// <summary>The largest timestamp appended so far, or -1 when there are no records.</summary>
    public long MaxTimestamp => _count == 0 ? -1 : _maxTimestamp;

    /// <summary>Forgets the records and restores every batch field to its default; keeps the buffers.</summary>
    public void Reset()
    {
        _records.Clear();
        _records.GetSpan(RecordBatch.HeaderSize).Slice(0, RecordBatch.HeaderSize).Clear();
        _records.Advance(RecordBatch.HeaderSize);
        _count = 0;
        _baseTimestamp = -1;
        _maxTimestamp = -1;
        _deleteHorizonMs = -1;
        BaseOffset = 0;
        PartitionLeaderEpoch = -1;
        ProducerId = -1;
        ProducerEpoch = -1;
        BaseSequence = -1;
        IsTransactional = false;
        IsControl = false;
        TimestampType = TimestampType.CreateTime;
        LogAppendTime = -1;
    }

    /// <summary>Appends a record with a non-null key and value.</summary>
    public void Append(long timestamp, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<RecordHeader> headers = default)
        => AppendCore(timestamp, key, false, value, false, headers);

    /// <summary>Appends a record; a null array is a null key or value.</summary>
    public void Append(long timestamp, byte[]? key, byte[]? value, ReadOnlySpan<RecordHeader> headers = default)
        => AppendCore(timestamp, key, key is null, value, value is null, headers);

    /// <summary>Appends a record whose key or value may be null (the span is ignored when its flag is set).</summary>
    public void Append(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers = default)
        => AppendCore(timestamp, key, keyIsNull, value, valueIsNull, headers);

    /// <summary>Appends a transaction marker (set <see cref="IsControl"/> and <see cref="IsTransactional"/> for a real marker batch).</summary>
    public void AppendControlRecord(long timestamp, ControlRecordType type, int coordinatorEpoch)
    {
        if (type is not (ControlRecordType.Abort or ControlRecordType.Commit))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "only transaction markers (Abort, Commit) can be written");
        }

        Span<byte> key = stackalloc byte[ControlRecord.KeySize];
        Span<byte> value = stackalloc byte[ControlRecord.MarkerValueSize];
        ControlRecord.WriteKey(key, type);
        ControlRecord.WriteMarkerValue(value, coordinatorEpoch);
        AppendCore(timestamp, key, false, value, false, default);
    }

    /// <summary>
    /// Finishes the batch and returns its bytes, which stay valid until the next
    /// <see cref="Append(long, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{RecordHeader})"/>,
    /// <see cref="Build(CompressionType, int?)"/>, <see cref="Reset"/> or <see cref="Dispose"/>.
    /// </summary>
    /// <param name="compression">The codec for the records section.</param>
    /// <param name="compressionLevel">The codec's level, or null for its default.</param>
    public ReadOnlyMemory<byte> Build(CompressionType compression = CompressionType.None, int? compressionLevel = null)
    {
        PooledBufferWriter target;
        if (compression == CompressionType.None)
        {
            target = _records;
        }
        else
        {
            if ((byte)compression > (byte)CompressionType.Zstd)
            {
                throw new ArgumentOutOfRangeException(nameof(compression), compression, "not a Kafka compression codec");
            }

            // No buffer up front: the codec asks for its worst case once, and that is what is rented.
            target = _compressed ??= new PooledBufferWriter(0, _pool);
            target.Clear();
            target.GetSpan(RecordBatch.HeaderSize);
            target.Advance(RecordBatch.HeaderSize);
            KafkaCompression.Compress(compression, _records.WrittenSpan[RecordBatch.HeaderSize..], target, compressionLevel);
        }

        WriteHeader(target.WrittenSpanMutable, compression);
        return target.WrittenMemory;
    }

    /// <summary>Finishes the batch and copies it to <paramref name="destination"/>.</summary>
    public void Build(IBufferWriter<byte> destination, CompressionType compression = CompressionType.None, int? compressionLevel = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var batch = Build(compression, compressionLevel).Span;
        batch.CopyTo(destination.GetSpan(batch.Length));
        destination.Advance(batch.Length);
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        _records.Dispose();
        _compressed?.Dispose();
        _compressed = null;
    }

    private void WriteHeader(Span<byte> batch, CompressionType compression)
    {
        var attributes = (short)compression;
        if (TimestampType == TimestampType.LogAppendTime)
        {
            attributes |= RecordBatch.TimestampTypeFlag;
        }

        if (IsTransactional)
        {
            attributes |= RecordBatch.TransactionalFlag;
        }

        if (IsControl)
        {
            attributes |= RecordBatch.ControlFlag;
        }

        if (_deleteHorizonMs >= 0)
        {
            attributes |= RecordBatch.DeleteHorizonFlag;
        }

        var baseTimestamp = _deleteHorizonMs >= 0 ? _deleteHorizonMs : _baseTimestamp;
        var maxTimestamp = TimestampType == TimestampType.LogAppendTime ? LogAppendTime : _count == 0 ? baseTimestamp : _maxTimestamp;

        BinaryPrimitives.WriteInt64BigEndian(batch, BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[8..], batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.PartitionLeaderEpochOffset..], PartitionLeaderEpoch);
        batch[RecordBatch.MagicOffset] = 2;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.LastOffsetDeltaOffset..], _count == 0 ? 0 : _count - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.ProducerIdOffset..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.ProducerEpochOffset..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BaseSequenceOffset..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.RecordCountOffset..], _count);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatch.CrcOffset..], Crc32C.Compute(batch[RecordBatch.AttributesOffset..]));
    }

    private void AppendCore(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<RecordHeader> headers)
    {
        if (_count == 0)
        {
            _baseTimestamp = _deleteHorizonMs >= 0 ? _deleteHorizonMs : timestamp;
            _maxTimestamp = timestamp;
        }
        else if (timestamp > _maxTimestamp)
        {
            _maxTimestamp = timestamp;
        }

        var timestampDelta = timestamp - _baseTimestamp;
        var offsetDelta = _count;

        long bodySize = 1 + VarInt.SizeOfSigned64(timestampDelta) + VarInt.SizeOfSigned(offsetDelta)
            + (keyIsNull ? 1 : VarInt.SizeOfSigned(key.Length) + key.Length)
            + (valueIsNull ? 1 : VarInt.SizeOfSigned(value.Length) + value.Length)
            + VarInt.SizeOfSigned(headers.Length);
        foreach (ref readonly var header in headers)
        {
            var keyBytes = header.KeyByteCount;
            bodySize += VarInt.SizeOfSigned(keyBytes) + keyBytes
                + (header.IsValueNull ? 1 : VarInt.SizeOfSigned(header.Value.Length) + header.Value.Length);
        }

        if (bodySize > int.MaxValue - VarInt.MaxLength32 - _records.WrittenCount)
        {
            throw new ArgumentException($"a record of {bodySize} bytes does not fit in a record batch");
        }

        var total = VarInt.SizeOfSigned((int)bodySize) + (int)bodySize;
        var span = _records.GetSpan(total);
        var p = VarInt.WriteSigned(span, (int)bodySize);
        span[p++] = 0; // record attributes: unused
        p += VarInt.WriteSigned64(span[p..], timestampDelta);
        p += VarInt.WriteSigned(span[p..], offsetDelta);
        p += WriteBytes(span[p..], key, keyIsNull);
        p += WriteBytes(span[p..], value, valueIsNull);
        p += VarInt.WriteSigned(span[p..], headers.Length);
        foreach (ref readonly var header in headers)
        {
            var keyBytes = header.KeyByteCount;
            p += VarInt.WriteSigned(span[p..], keyBytes);
            p += header.WriteKey(span[p..]);
            p += WriteBytes(span[p..], header.Value.Span, header.IsValueNull);
        }

        _records.Advance(p);
        _count++;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull)
        {
            destination[0] = 1; // zig-zag -1
            return 1;
        }

        var n = VarInt.WriteSigned(destination, bytes.Length);
        bytes.CopyTo(destination[n..]);
        return n + bytes.Length;
    }
}
