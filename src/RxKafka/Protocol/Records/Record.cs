namespace RxKafka.Protocol.Records;

/// <summary>
/// One record of a record batch (or one legacy message). <see cref="Key"/>, <see cref="Value"/>
/// and the headers are slices of the batch's memory, not copies: they stay valid as long as
/// that memory does (for a compressed batch, until the reader moves to the next batch or is disposed).
/// </summary>
public readonly struct Record
{
    // One memory (the batch's records) and where each part lies in it, rather than a slice per part: the
    // struct is copied out of the reader for every record of every face, and slicing three times per record
    // cost the decoder its bounds checks (64 bytes instead of 80; the slices are made when asked for).
    private readonly ReadOnlyMemory<byte> _data;
    private readonly int _keyStart;
    private readonly int _keyLength;
    private readonly int _valueStart;
    private readonly int _valueLength;
    private readonly int _headersStart;
    private readonly int _headersLength;
    private readonly int _headerCount;

    /// <summary>A record in <paramref name="data"/>; a length of -1 is a Kafka null (the parts were checked against it).</summary>
    internal Record(ReadOnlyMemory<byte> data, long offset, long timestamp, TimestampType timestampType, int keyStart, int keyLength, int valueStart, int valueLength, int headersStart = 0, int headersLength = 0, int headerCount = 0)
    {
        _data = data;
        Offset = offset;
        Timestamp = timestamp;
        TimestampType = timestampType;
        _keyStart = keyStart;
        _keyLength = keyLength;
        _valueStart = valueStart;
        _valueLength = valueLength;
        _headersStart = headersStart;
        _headersLength = headersLength;
        _headerCount = headerCount;
    }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>The timestamp in milliseconds since the Unix epoch, or -1 when there is none (magic 0).</summary>
    public long Timestamp { get; }

    /// <summary>What <see cref="Timestamp"/> means.</summary>
    public TimestampType TimestampType { get; }

    /// <summary>The key; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlyMemory<byte> Key => _keyLength < 0 ? default : _data.Slice(_keyStart, _keyLength);

    /// <summary>Whether the key is null (length -1 on the wire), as opposed to empty.</summary>
    public bool IsKeyNull => _keyLength < 0;

    /// <summary>The value; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value => _valueLength < 0 ? default : _data.Slice(_valueStart, _valueLength);

    /// <summary>Whether the value is null (a tombstone), as opposed to empty.</summary>
    public bool IsValueNull => _valueLength < 0;

    /// <summary>The headers (none for legacy messages), read lazily.</summary>
    public RecordHeaders Headers => _headerCount == 0 ? default : new RecordHeaders(_data.Slice(_headersStart, _headersLength), _headerCount);

    /// <summary>The number of headers, without making their view.</summary>
    internal int HeaderCount => _headerCount;

    /// <summary>The key's and the value's bytes from one look at the memory (empty for a null): what deserializers read.</summary>
    internal void GetSpans(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        var span = _data.Span;
        key = _keyLength < 0 ? default : span.Slice(_keyStart, _keyLength);
        value = _valueLength < 0 ? default : span.Slice(_valueStart, _valueLength);
    }

    /// <inheritdoc />
    public override string ToString()
        => $"offset {Offset}, timestamp {Timestamp}, key {(IsKeyNull ? "null" : $"{_keyLength} bytes")}, value {(IsValueNull ? "null" : $"{_valueLength} bytes")}, {_headerCount} headers";
}
