using System.Buffers.Binary;
using System.Collections;
using RxKafka.Protocol.Compression;

namespace RxKafka.Protocol.Records;

/// <summary>
/// Reads the record batches of a <c>records</c> field (a Fetch response partition's data, or a
/// Produce request's) without copying: v2 record batches and legacy magic 0/1 message sets alike.
/// Uncompressed records are slices of the input; compressed ones are decompressed into a buffer
/// the reader owns and reuses (dispose the reader to give it back to the pool).
/// </summary>
/// <remarks>
/// A broker cuts the last batch of a response when it hits the fetch size limit; that partial
/// trailing batch ends the iteration without error and sets <see cref="HasPartialTrailingBatch"/>.
/// Anything else malformed throws <see cref="KafkaProtocolException"/> saying what was wrong.
/// </remarks>
public sealed partial class RecordBatchReader : IDisposable, IEnumerable<RecordBatch>
{
    /// <summary>The default limit on the decompressed size of one batch: 64 MiB.</summary>
    public const int DefaultMaxDecompressedBytes = 64 * 1024 * 1024;

    private ReadOnlyMemory<byte> _records;
    private int _position;
    private PooledBufferWriter? _decompressed;

    /// <summary>Creates a reader over <paramref name="records"/>.</summary>
    /// <param name="records">The bytes of a records field: zero or more batches.</param>
    /// <param name="checkCrcs">Whether to verify each batch's CRC (Kafka's <c>check.crcs</c>, on by default).</param>
    /// <param name="maxDecompressedBytes">The most bytes one compressed batch may decompress to.</param>
    public RecordBatchReader(ReadOnlyMemory<byte> records, bool checkCrcs = true, int maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        if (maxDecompressedBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDecompressedBytes), maxDecompressedBytes, "must be positive");
        }

        _records = records;
        CheckCrcs = checkCrcs;
        MaxDecompressedBytes = maxDecompressedBytes;
    }

    /// <summary>Whether batch CRCs are verified.</summary>
    public bool CheckCrcs { get; }

    /// <summary>The most bytes one compressed batch may decompress to.</summary>
    public int MaxDecompressedBytes { get; }

    /// <summary>The number of input bytes consumed by the batches read so far.</summary>
    public int Position => _position;

    /// <summary>
    /// Whether the input ended with an incomplete batch (the broker cut it at the fetch size
    /// limit). Set once <see cref="TryReadBatch"/> has returned false.
    /// </summary>
    public bool HasPartialTrailingBatch { get; private set; }

    /// <summary>Starts over on new input, keeping the decompression buffer.</summary>
    public void Reset(ReadOnlyMemory<byte> records)
    {
        _records = records;
        _position = 0;
        HasPartialTrailingBatch = false;
    }

    /// <summary>
    /// Reads the next batch. Returns false at the end of the input or at a partial trailing batch.
    /// A compressed batch's records stay valid until the next call, <see cref="Reset"/> or <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The batch is malformed, fails its CRC, or has an unknown magic or compression.</exception>
    public bool TryReadBatch(out RecordBatch batch)
    {
        batch = default;
        var span = _records.Span;
        var start = _position;
        var remaining = span.Length - start;
        if (remaining <= 0)
        {
            return false;
        }

        if (remaining < RecordBatch.HeaderSizeUpToMagic)
        {
            HasPartialTrailingBatch = true;
            return false;
        }

        var baseOffset = BinaryPrimitives.ReadInt64BigEndian(span[start..]);
        var batchLength = BinaryPrimitives.ReadInt32BigEndian(span[(start + 8)..]);
        if (batchLength < LegacyMessage.OverheadV0)
        {
            throw new KafkaProtocolException($"bad batch length: record batch at offset {baseOffset} (byte {start}) has length {batchLength}, smaller than any batch or message");
        }

        if (batchLength > remaining - RecordBatch.LogOverhead)
        {
            HasPartialTrailingBatch = true;
            return false;
        }

        var whole = span.Slice(start, RecordBatch.LogOverhead + batchLength);
        var magic = whole[RecordBatch.MagicOffset];
        batch = magic switch
        {
            2 => ReadV2(whole, start, baseOffset, batchLength),
            0 or 1 => ReadLegacy(whole, start),
            _ => throw new KafkaProtocolException($"unknown magic {magic} in record batch at offset {baseOffset} (byte {start}): this client reads magic 0, 1 and 2"),
        };
        _position = start + whole.Length;
        return true;
    }

    /// <summary>Returns the decompression buffer to the pool.</summary>
    public void Dispose()
    {
        _decompressed?.Dispose();
        _decompressed = null;
    }

    /// <summary>Returns an enumerator that calls <see cref="TryReadBatch"/> until it returns false.</summary>
    public BatchEnumerator GetEnumerator() => new(this);

    IEnumerator<RecordBatch> IEnumerable<RecordBatch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private RecordBatch ReadV2(ReadOnlySpan<byte> whole, int start, long baseOffset, int batchLength)
    {
        if (whole.Length < RecordBatch.HeaderSize)
        {
            throw new KafkaProtocolException($"bad batch length: record batch at offset {baseOffset} has length {batchLength}, smaller than the {RecordBatch.HeaderSize - RecordBatch.LogOverhead} bytes of a v2 header");
        }

        var crc = BinaryPrimitives.ReadUInt32BigEndian(whole[RecordBatch.CrcOffset..]);
        if (CheckCrcs)
        {
            var computed = Crc32C.Compute(whole[RecordBatch.AttributesOffset..]);
            if (computed != crc)
            {
                throw new KafkaProtocolException($"record batch at offset {baseOffset} has CRC 0x{crc:X8} but computed 0x{computed:X8}");
            }
        }

        var attributes = BinaryPrimitives.ReadInt16BigEndian(whole[RecordBatch.AttributesOffset..]);
        var compression = attributes & RecordBatch.CompressionMask;
        if (compression > (int)CompressionType.Zstd)
        {
            throw new KafkaProtocolException($"unknown compression type {compression} in record batch at offset {baseOffset} (attributes 0x{(ushort)attributes:X4}): Kafka defines 0 (none) to 4 (zstd)");
        }

        var recordCount = BinaryPrimitives.ReadInt32BigEndian(whole[RecordBatch.RecordCountOffset..]);
        if (recordCount < 0)
        {
            throw new KafkaProtocolException($"negative length: record batch at offset {baseOffset} has record count {recordCount}");
        }

        var recordsStart = start + RecordBatch.HeaderSize;
        var recordsLength = whole.Length - RecordBatch.HeaderSize;
        ReadOnlyMemory<byte> records;
        if (compression == 0)
        {
            records = _records.Slice(recordsStart, recordsLength);
        }
        else
        {
            // A compressed batch of zero records would still decompress to at least nothing; checked below.
            records = Decompress((CompressionType)compression, whole[RecordBatch.HeaderSize..], baseOffset, "record batch", legacyLz4: false);
        }

        if (recordCount > records.Length / RecordBatch.MinimumRecordSize)
        {
            throw new KafkaProtocolException($"bad record count: record batch at offset {baseOffset} claims {recordCount} records but its records take only {records.Length} bytes");
        }

        return new RecordBatch
        {
            BaseOffset = baseOffset,
            BatchLength = batchLength,
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(whole[RecordBatch.PartitionLeaderEpochOffset..]),
            Magic = 2,
            Crc = crc,
            Attributes = attributes,
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(whole[RecordBatch.LastOffsetDeltaOffset..]),
            BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(whole[RecordBatch.BaseTimestampOffset..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(whole[RecordBatch.MaxTimestampOffset..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(whole[RecordBatch.ProducerIdOffset..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(whole[RecordBatch.ProducerEpochOffset..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(whole[RecordBatch.BaseSequenceOffset..]),
            RecordCount = recordCount,
            RecordsData = records,
            Format = RecordBatch.RecordFormat.V2,
        };
    }

    private ReadOnlyMemory<byte> Decompress(CompressionType type, ReadOnlySpan<byte> source, long baseOffset, string what, bool legacyLz4)
    {
        var buffer = _decompressed ??= new PooledBufferWriter();
        buffer.Clear();
        try
        {
            if (legacyLz4)
            {
                DecompressLegacyLz4(source, buffer, MaxDecompressedBytes);
            }
            else
            {
                KafkaCompression.Decompress(type, source, buffer, MaxDecompressedBytes);
            }
        }
        catch (KafkaProtocolException e)
        {
            throw new KafkaProtocolException($"{what} at offset {baseOffset} could not be decompressed ({type}): {e.Message}", e);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Enumerates the batches of a reader.</summary>
    public struct BatchEnumerator : IEnumerator<RecordBatch>
    {
        private readonly RecordBatchReader _reader;
        private RecordBatch _current;

        internal BatchEnumerator(RecordBatchReader reader)
        {
            _reader = reader;
            _current = default;
        }

        /// <summary>The current batch.</summary>
        public readonly RecordBatch Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Reads the next batch.</summary>
        public bool MoveNext() => _reader.TryReadBatch(out _current);

        /// <summary>Not supported: a reader reads forward only (use <see cref="RecordBatchReader.Reset"/>).</summary>
        public readonly void Reset() => throw new NotSupportedException("a record batch reader reads forward only; call RecordBatchReader.Reset with the input instead");

        /// <summary>Nothing to release; dispose the reader itself.</summary>
        public readonly void Dispose()
        {
        }
    }
}
