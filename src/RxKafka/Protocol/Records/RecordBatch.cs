using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RxKafka.Protocol.Records;

/// <summary>
/// A record batch as <see cref="RecordBatchReader"/> reads it: the v2 header fields, and the
/// records to iterate with <c>foreach</c> (allocation-free). Legacy messages (magic 0 and 1)
/// come through the same type: an uncompressed message is a batch of one record, a compressed
/// wrapper message is a batch of its inner messages; the v2-only fields then hold their
/// "none" values (-1), and <see cref="Attributes"/> holds the message's attributes, whose
/// compression and timestamp-type bits sit where v2 puts them.
/// </summary>
/// <remarks>
/// The records of a compressed batch live in the reader's decompression buffer: they are valid
/// until the reader reads the next batch, is reset or is disposed.
/// </remarks>
public readonly partial struct RecordBatch : IEnumerable<Record>
{
    /// <summary>The size of a v2 batch header, up to and including the record count.</summary>
    internal const int HeaderSize = 61;

    /// <summary>The bytes before the batch length counts from: base offset and batch length.</summary>
    internal const int LogOverhead = 12;

    /// <summary>The bytes needed to see a batch's magic.</summary>
    internal const int HeaderSizeUpToMagic = 17;

    internal const int PartitionLeaderEpochOffset = 12;
    internal const int MagicOffset = 16;
    internal const int CrcOffset = 17;
    internal const int AttributesOffset = 21;
    internal const int LastOffsetDeltaOffset = 23;
    internal const int BaseTimestampOffset = 27;
    internal const int MaxTimestampOffset = 35;
    internal const int ProducerIdOffset = 43;
    internal const int ProducerEpochOffset = 51;
    internal const int BaseSequenceOffset = 53;
    internal const int RecordCountOffset = 57;

    /// <summary>The smallest v2 record: six one-byte fields (length, attributes, deltas, key and value lengths, header count).</summary>
    internal const int MinimumRecordSize = 7;

    internal const short CompressionMask = 0x07;
    internal const short TimestampTypeFlag = 0x08;
    internal const short TransactionalFlag = 0x10;
    internal const short ControlFlag = 0x20;
    internal const short DeleteHorizonFlag = 0x40;

    /// <summary>The offset of the first record.</summary>
    public long BaseOffset { get; internal init; }

    /// <summary>The byte length of the batch after the length field (the whole batch is 12 bytes longer).</summary>
    public int BatchLength { get; internal init; }

    /// <summary>The leader epoch of the partition leader that appended the batch, or -1.</summary>
    public int PartitionLeaderEpoch { get; internal init; }

    /// <summary>The format version: 2 for record batches, 0 or 1 for legacy messages.</summary>
    public byte Magic { get; internal init; }

    /// <summary>The CRC from the wire: CRC-32C over attributes..end for v2, CRC-32 (IEEE) over magic..end for legacy messages.</summary>
    public uint Crc { get; internal init; }

    /// <summary>The attributes: compression (bits 0-2), timestamp type (bit 3), transactional (4), control (5), delete horizon (6).</summary>
    public short Attributes { get; internal init; }

    /// <summary>The offset of the last record minus <see cref="BaseOffset"/>.</summary>
    public int LastOffsetDelta { get; internal init; }

    /// <summary>The timestamp records' timestamp deltas are relative to (the delete horizon when <see cref="HasDeleteHorizon"/>).</summary>
    public long BaseTimestamp { get; internal init; }

    /// <summary>The largest record timestamp, or the log append time when <see cref="TimestampType"/> is LogAppendTime.</summary>
    public long MaxTimestamp { get; internal init; }

    /// <summary>The producer id of an idempotent or transactional producer, or -1.</summary>
    public long ProducerId { get; internal init; }

    /// <summary>The producer epoch, or -1.</summary>
    public short ProducerEpoch { get; internal init; }

    /// <summary>The sequence number of the first record, or -1.</summary>
    public int BaseSequence { get; internal init; }

    /// <summary>The number of records.</summary>
    public int RecordCount { get; internal init; }

    /// <summary>The compression codec of the records.</summary>
    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);

    /// <summary>What record timestamps mean; <see cref="TimestampType.NotAvailable"/> for magic 0.</summary>
    public TimestampType TimestampType
        => Magic == 0 ? TimestampType.NotAvailable : (Attributes & TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    /// <summary>Whether the batch belongs to a transaction.</summary>
    public bool IsTransactional => Magic >= 2 && (Attributes & TransactionalFlag) != 0;

    /// <summary>Whether the batch holds control records (transaction markers) rather than data.</summary>
    public bool IsControl => Magic >= 2 && (Attributes & ControlFlag) != 0;

    /// <summary>Whether <see cref="BaseTimestamp"/> is the delete horizon set by log compaction.</summary>
    public bool HasDeleteHorizon => Magic >= 2 && (Attributes & DeleteHorizonFlag) != 0;

    /// <summary>The delete horizon in milliseconds, or -1 when <see cref="HasDeleteHorizon"/> is false.</summary>
    public long DeleteHorizonMs => HasDeleteHorizon ? BaseTimestamp : -1;

    /// <summary>The offset of the last record.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset after the last record (where the next fetch starts).</summary>
    public long NextOffset => LastOffset + 1;

    /// <summary>The size of the whole batch on the wire.</summary>
    public int SizeInBytes => BatchLength + LogOverhead;

    /// <summary>The (decompressed) records section, or for a legacy message the message itself.</summary>
    internal ReadOnlyMemory<byte> RecordsData { get; init; }

    internal RecordFormat Format { get; init; }

    /// <summary>For a magic 1 compressed wrapper: what to add to inner relative offsets.</summary>
    internal long InnerOffsetAdjustment { get; init; }

    /// <summary>Returns an allocation-free enumerator over the records.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Record> IEnumerable<Record>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString()
        => $"magic {Magic} batch at offset {BaseOffset}: {RecordCount} records, last offset {LastOffset}, {Compression}";

    /// <summary>How the records of a batch are laid out.</summary>
    internal enum RecordFormat : byte
    {
        V2,
        LegacySingle,
        LegacyInner,
    }

    /// <summary>Enumerates the records of a batch, checking each record's lengths as it goes.</summary>
    public partial struct Enumerator : IEnumerator<Record>
    {
        private readonly RecordBatch _batch;
        private readonly TimestampType _timestampType;
        private readonly ArraySegment<byte> _records;
        private int _position;
        private int _index;

        // The current record, kept as offsets into the batch's records rather than as a Record: a Record holds a
        // reference (the batch's memory), and writing one into an enumerator that lives in a reader on the heap
        // cost a GC write barrier per record. Current builds it where it is asked for.
        private long _offset;
        private long _timestamp;
        private int _keyStart;
        private int _keyLength;
        private int _valueStart;
        private int _valueLength;
        private int _headersStart;
        private int _headersLength;
        private int _headerCount;

        internal Enumerator(RecordBatch batch)
        {
            _batch = batch;
            _position = 0;
            _index = 0;
            _offset = _timestamp = 0;
            _keyStart = _keyLength = _valueStart = _valueLength = _headersStart = _headersLength = _headerCount = 0;
            _timestampType = batch.TimestampType;
            _records = default;
            if (batch.Format == RecordFormat.V2)
            {
                // Once per batch rather than ReadOnlyMemory.Span per record (see ReadV2).
                System.Runtime.InteropServices.MemoryMarshal.TryGetArray(batch.RecordsData, out _records);
            }
        }

        /// <summary>The current record.</summary>
        public readonly Record Current => _index == 0
            ? default
            : new(_batch.RecordsData, _offset, _timestamp, _timestampType, _keyStart, _keyLength, _valueStart, _valueLength, _headersStart, _headersLength, _headerCount);

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next record; throws <see cref="KafkaProtocolException"/> on malformed bytes.</summary>
        public bool MoveNext()
        {
            if (_index >= _batch.RecordCount)
            {
                if (_index == _batch.RecordCount && _position != _batch.RecordsData.Length && _batch.Format == RecordFormat.V2)
                {
                    _index++;
                    ThrowBytesLeft();
                }

                return false;
            }

            switch (_batch.Format)
            {
                case RecordFormat.V2:
                    ReadV2();
                    break;
                case RecordFormat.LegacySingle:
                    ReadLegacy(_batch.RecordsData.Span, 0L);
                    break;
                default:
                    ReadLegacy(_batch.RecordsData.Span, _batch.InnerOffsetAdjustment);
                    break;
            }

            _index++;
            return true;
        }

        /// <summary>Starts over from the first record.</summary>
        public void Reset()
        {
            _position = 0;
            _index = 0;
        }

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }

        private void ReadLegacy(ReadOnlySpan<byte> span, long adjustment)
        {
            // Whole message set was checked when the batch was read; parse again without the CRC.
            var message = LegacyMessage.Parse(span, _position, checkCrc: false, "message");
            long timestamp = _batch.TimestampType == TimestampType.LogAppendTime
                ? _batch.MaxTimestamp
                : message.Magic == 0 ? -1 : message.Timestamp;
            SetCurrent(
                message.Offset + adjustment,
                timestamp,
                message.KeyStart,
                message.IsKeyNull ? -1 : message.KeyLength,
                message.ValueStart,
                message.IsValueNull ? -1 : message.ValueLength,
                0,
                0,
                0);
            _position = message.End;
        }

        // The current record's place in the batch's records; a length of -1 is a Kafka null. The same fields as
        // Record's, without its reference: a struct of them nested in Record (one type for both) made the record
        // faces about 10 ns per record slower (ConsumerDecodeBenchmarks.RecordFaces, 65 against 75 ns).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void SetCurrent(long offset, long timestamp, int keyStart, int keyLength, int valueStart, int valueLength, int headersStart, int headersLength, int headerCount)
        {
            _offset = offset;
            _timestamp = timestamp;
            _keyStart = keyStart;
            _keyLength = keyLength;
            _valueStart = valueStart;
            _valueLength = valueLength;
            _headersStart = headersStart;
            _headersLength = headersLength;
            _headerCount = headerCount;
        }

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void ThrowBytesLeft()
            => throw new KafkaProtocolException($"bad record count: record batch at offset {_batch.BaseOffset} declares {_batch.RecordCount} records but {_batch.RecordsData.Length - _position} bytes are left after them");
    }
}
