using System.Collections;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Protocol.Records;

/// <summary>
/// The headers of one record, read lazily from the batch's memory: iterating with
/// <c>foreach</c> allocates nothing. The bytes were checked when the record was read.
/// </summary>
public readonly struct RecordHeaders : IEnumerable<RecordHeader>
{
    private readonly ReadOnlyMemory<byte> _data;

    internal RecordHeaders(ReadOnlyMemory<byte> data, int count)
    {
        _data = data;
        Count = count;
    }

    /// <summary>The number of headers.</summary>
    public int Count { get; }

    /// <summary>Returns an enumerator over the headers, in wire order.</summary>
    public Enumerator GetEnumerator() => new(_data, Count);

    IEnumerator<RecordHeader> IEnumerable<RecordHeader>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Finds the last header with <paramref name="key"/> (Kafka's "last header wins").</summary>
    public bool TryGetLast(string key, out RecordHeader header)
    {
        header = default;
        var found = false;
        foreach (var h in this)
        {
            if (h.KeyEquals(key))
            {
                header = h;
                found = true;
            }
        }

        return found;
    }

    /// <summary>
    /// Walks <paramref name="count"/> headers in <paramref name="span"/> from <paramref name="position"/>,
    /// checking every length; returns the position after the last one or throws naming what was wrong.
    /// </summary>
    internal static int Validate(ReadOnlySpan<byte> span, int position, int count, long offset)
    {
        for (var i = 0; i < count; i++)
        {
            position = ReadHeader(span, position, offset, i, out _, out _, out _, out _, out _);
        }

        return position;
    }

    internal static int ReadHeader(ReadOnlySpan<byte> span, int position, long offset, int index, out int keyStart, out int keyLength, out int valueStart, out int valueLength, out bool valueIsNull)
    {
        var read = VarInt.TryReadSigned(span[position..], out keyLength);
        if (read <= 0)
        {
            throw Bad(read, offset, index, "key length", position);
        }

        position += read;
        if (keyLength < 0 || keyLength > span.Length - position)
        {
            throw new KafkaProtocolException(keyLength < 0
                ? $"negative length: header {index} of record at offset {offset} has key length {keyLength}"
                : $"truncated record: header {index} of record at offset {offset} has key length {keyLength} but only {span.Length - position} bytes are left in the record");
        }

        keyStart = position;
        position += keyLength;
        read = VarInt.TryReadSigned(span[position..], out valueLength);
        if (read <= 0)
        {
            throw Bad(read, offset, index, "value length", position);
        }

        position += read;
        valueIsNull = valueLength == -1;
        if (valueIsNull)
        {
            valueLength = 0;
        }
        else if (valueLength < 0 || valueLength > span.Length - position)
        {
            throw new KafkaProtocolException(valueLength < 0
                ? $"negative length: header {index} of record at offset {offset} has value length {valueLength}"
                : $"truncated record: header {index} of record at offset {offset} has value length {valueLength} but only {span.Length - position} bytes are left in the record");
        }

        valueStart = position;
        return position + valueLength;
    }

    private static KafkaProtocolException Bad(int read, long offset, int index, string what, int position)
        => new(read == 0
            ? $"truncated record: header {index} {what} of record at offset {offset} runs past the end of the record"
            : $"bad varint: header {index} {what} of record at offset {offset} (byte {position} of the record) is longer than 5 bytes");

    /// <summary>Enumerates headers; allocation-free.</summary>
    public struct Enumerator : IEnumerator<RecordHeader>
    {
        private readonly ReadOnlyMemory<byte> _data;
        private readonly int _count;
        private int _index;
        private int _position;
        private RecordHeader _current;

        internal Enumerator(ReadOnlyMemory<byte> data, int count)
        {
            _data = data;
            _count = count;
            _index = 0;
            _position = 0;
            _current = default;
        }

        /// <summary>The current header.</summary>
        public readonly RecordHeader Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Moves to the next header.</summary>
        public bool MoveNext()
        {
            if (_index >= _count)
            {
                return false;
            }

            var next = ReadHeader(_data.Span, _position, -1, _index, out var keyStart, out var keyLength, out var valueStart, out var valueLength, out var valueIsNull);
            _current = new RecordHeader(_data.Slice(keyStart, keyLength), _data.Slice(valueStart, valueLength), valueIsNull);
            _position = next;
            _index++;
            return true;
        }

        /// <summary>Starts over.</summary>
        public void Reset()
        {
            _index = 0;
            _position = 0;
            _current = default;
        }

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }
}
