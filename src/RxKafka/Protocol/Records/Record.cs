namespace RxKafka.Protocol.Records;

/// <summary>
/// One record of a record batch (or one legacy message). <see cref="Key"/>, <see cref="Value"/>
/// and the headers are slices of the batch's memory, not copies: they stay valid as long as
/// that memory does (for a compressed batch, until the reader moves to the next batch or is disposed).
/// </summary>
public readonly struct Record
{
    private readonly ReadOnlyMemory<byte> _key;
    private readonly ReadOnlyMemory<byte> _value;
    private readonly RecordHeaders _headers;
    private readonly byte _flags;

    private const byte KeyNullFlag = 1;
    private const byte ValueNullFlag = 2;

    internal Record(long offset, long timestamp, TimestampType timestampType, ReadOnlyMemory<byte> key, bool isKeyNull, ReadOnlyMemory<byte> value, bool isValueNull, RecordHeaders headers)
    {
        Offset = offset;
        Timestamp = timestamp;
        TimestampType = timestampType;
        _key = key;
        _value = value;
        _headers = headers;
        _flags = (byte)((isKeyNull ? KeyNullFlag : 0) | (isValueNull ? ValueNullFlag : 0));
    }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>The timestamp in milliseconds since the Unix epoch, or -1 when there is none (magic 0).</summary>
    public long Timestamp { get; }

    /// <summary>What <see cref="Timestamp"/> means.</summary>
    public TimestampType TimestampType { get; }

    /// <summary>The key; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlyMemory<byte> Key => _key;

    /// <summary>Whether the key is null (length -1 on the wire), as opposed to empty.</summary>
    public bool IsKeyNull => (_flags & KeyNullFlag) != 0;

    /// <summary>The value; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Whether the value is null (a tombstone), as opposed to empty.</summary>
    public bool IsValueNull => (_flags & ValueNullFlag) != 0;

    /// <summary>The headers (none for legacy messages), read lazily.</summary>
    public RecordHeaders Headers => _headers;

    /// <inheritdoc />
    public override string ToString()
        => $"offset {Offset}, timestamp {Timestamp}, key {(IsKeyNull ? "null" : $"{_key.Length} bytes")}, value {(IsValueNull ? "null" : $"{_value.Length} bytes")}, {_headers.Count} headers";
}
