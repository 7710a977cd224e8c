using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace RxKafka.Protocol.Primitives;

/// <summary>
/// Writes Kafka wire primitives. Three modes: into an <see cref="IBufferWriter{T}"/> (buffered:
/// call <see cref="Flush"/> when done), into a fixed span, or counting only (nothing is written;
/// <see cref="BytesWritten"/> gives the encoded size, which tagged fields and frame sizes need).
/// </summary>
internal ref struct KafkaWriter
{
    private const int MinimumBufferSize = 256;

    private readonly IBufferWriter<byte>? _output;
    private readonly bool _counting;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    /// <summary>Creates a writer that appends to <paramref name="output"/>. Call <see cref="Flush"/> at the end.</summary>
    public KafkaWriter(IBufferWriter<byte> output)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _span = default;
    }

    /// <summary>Creates a writer into a fixed buffer; writing past its end throws <see cref="ArgumentException"/>.</summary>
    public KafkaWriter(Span<byte> destination)
    {
        _span = destination;
    }

    private KafkaWriter(bool counting)
    {
        _counting = counting;
        _span = default;
    }

    /// <summary>Creates a writer that writes nothing and only counts the bytes an encoding takes.</summary>
    public static KafkaWriter CreateCounter() => new(counting: true);

    /// <summary>Whether this writer only counts.</summary>
    public readonly bool IsCounter => _counting;

    /// <summary>The number of bytes written (or counted) so far.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Commits buffered bytes to the underlying <see cref="IBufferWriter{T}"/>.</summary>
    public void Flush()
    {
        if (_output is not null && _buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
            _buffered = 0;
            _span = default;
        }
    }

    /// <summary>Writes an int8.</summary>
    public void WriteInt8(sbyte value)
    {
        if (_counting) { _buffered += 1; return; }
        Next(1)[0] = (byte)value;
    }

    /// <summary>Writes a boolean as one byte (0 or 1).</summary>
    public void WriteBoolean(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);

    /// <summary>Writes a big-endian int16.</summary>
    public void WriteInt16(short value)
    {
        if (_counting) { _buffered += 2; return; }
        BinaryPrimitives.WriteInt16BigEndian(Next(2), value);
    }

    /// <summary>Writes a big-endian uint16.</summary>
    public void WriteUInt16(ushort value)
    {
        if (_counting) { _buffered += 2; return; }
        BinaryPrimitives.WriteUInt16BigEndian(Next(2), value);
    }

    /// <summary>Writes a big-endian int32.</summary>
    public void WriteInt32(int value)
    {
        if (_counting) { _buffered += 4; return; }
        BinaryPrimitives.WriteInt32BigEndian(Next(4), value);
    }

    /// <summary>Writes a big-endian uint32.</summary>
    public void WriteUInt32(uint value)
    {
        if (_counting) { _buffered += 4; return; }
        BinaryPrimitives.WriteUInt32BigEndian(Next(4), value);
    }

    /// <summary>Writes a big-endian int64.</summary>
    public void WriteInt64(long value)
    {
        if (_counting) { _buffered += 8; return; }
        BinaryPrimitives.WriteInt64BigEndian(Next(8), value);
    }

    /// <summary>Writes a big-endian IEEE 754 float64.</summary>
    public void WriteFloat64(double value)
    {
        if (_counting) { _buffered += 8; return; }
        BinaryPrimitives.WriteDoubleBigEndian(Next(8), value);
    }

    /// <summary>Writes a Kafka UUID (16 bytes, most significant first).</summary>
    public void WriteUuid(Guid value)
    {
        if (_counting) { _buffered += 16; return; }
        Uuid.Write(Next(16), value);
    }

    /// <summary>Writes an unsigned varint.</summary>
    public void WriteUnsignedVarInt(uint value)
    {
        var size = VarInt.SizeOfUnsigned(value);
        if (_counting) { _buffered += size; return; }
        VarInt.WriteUnsigned(Next(size), value);
    }

    /// <summary>Writes a zig-zag signed varint.</summary>
    public void WriteVarInt(int value) => WriteUnsignedVarInt(VarInt.ZigZag(value));

    /// <summary>Writes a zig-zag signed varlong.</summary>
    public void WriteVarLong(long value)
    {
        var raw = VarInt.ZigZag64(value);
        var size = VarInt.SizeOfUnsigned64(raw);
        if (_counting) { _buffered += size; return; }
        VarInt.WriteUnsigned64(Next(size), raw);
    }

    /// <summary>Writes a non-null string (int16 length, or compact varint length + 1).</summary>
    public void WriteString(string value, bool compact)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteNullableString(value, compact);
    }

    /// <summary>Writes a nullable string; null is length -1 (or compact 0).</summary>
    public void WriteNullableString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, short.MaxValue);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        if (!compact && length > short.MaxValue)
        {
            throw new ArgumentException($"a string of {length} UTF-8 bytes is longer than the int16 length prefix allows ({short.MaxValue})", nameof(value));
        }

        WriteLength(length, compact, short.MaxValue);
        if (_counting) { _buffered += length; return; }
        Encoding.UTF8.GetBytes(value, Next(length));
    }

    /// <summary>Writes non-null bytes (int32 length, or compact varint length + 1).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, bool compact)
    {
        WriteLength(value.Length, compact, int.MaxValue);
        WriteRaw(value);
    }

    /// <summary>Writes nullable bytes; null is length -1 (or compact 0).</summary>
    public void WriteNullableBytes(byte[]? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, int.MaxValue);
            return;
        }

        WriteBytes(value, compact);
    }

    /// <summary>Writes a nullable records field (length-prefixed record batches).</summary>
    public void WriteRecords(ReadOnlyMemory<byte>? value, bool compact)
    {
        if (value is not { } records)
        {
            WriteLength(-1, compact, int.MaxValue);
            return;
        }

        WriteBytes(records.Span, compact);
    }

    /// <summary>Writes an array length: int32, or compact varint count + 1; -1 means null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below -1.</exception>
    public void WriteArrayLength(int count, bool compact)
    {
        if (count < -1)
        {
            // Only -1 (null) may be negative; anything else would put a corrupt count on the wire.
            throw new ArgumentOutOfRangeException(nameof(count), count, "an array count must be -1 (null) or at least 0");
        }

        WriteLength(count, compact, int.MaxValue);
    }

    /// <summary>Writes raw bytes with no length prefix.</summary>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        if (_counting) { _buffered += value.Length; return; }
        if (value.IsEmpty)
        {
            return;
        }

        if (_output is null && value.Length > _span.Length - _buffered)
        {
            // A fixed buffer fails before any byte is copied, not half-way through the value.
            Grow(value.Length - (_span.Length - _buffered));
        }

        // Large values go through in chunks so a buffer writer never has to hand out one huge span.
        while (!value.IsEmpty)
        {
            var available = _span.Length - _buffered;
            if (available == 0)
            {
                Grow(Math.Min(value.Length, 4096));
                available = _span.Length - _buffered;
            }

            var chunk = Math.Min(available, value.Length);
            value[..chunk].CopyTo(_span[_buffered..]);
            _buffered += chunk;
            value = value[chunk..];
        }
    }

    /// <summary>Writes the count of tagged fields that follow.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteTaggedFieldCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteUnsignedVarInt((uint)count);
    }

    /// <summary>Writes a tagged field's tag and size; the value follows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tag"/> or <paramref name="size"/> is negative.</exception>
    public void WriteTaggedFieldHeader(int tag, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tag);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        WriteUnsignedVarInt((uint)tag);
        WriteUnsignedVarInt((uint)size);
    }

    /// <summary>Writes a tagged field this client does not know, as it was received.</summary>
    public void WriteUnknownTaggedField(in TaggedField field)
    {
        WriteTaggedFieldHeader(field.Tag, field.Data.Length);
        WriteRaw(field.Data);
    }

    /// <summary>Writes an empty tagged-field buffer (count 0).</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarInt(0);

    private void WriteLength(int length, bool compact, int max)
    {
        if (compact)
        {
            WriteUnsignedVarInt((uint)(length + 1));
        }
        else if (max == short.MaxValue)
        {
            WriteInt16((short)length);
        }
        else
        {
            WriteInt32(length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Next(int size)
    {
        if (_span.Length - _buffered < size)
        {
            Grow(size);
        }

        var span = _span.Slice(_buffered, size);
        _buffered += size;
        return span;
    }

    private void Grow(int size)
    {
        if (_output is null)
        {
            throw new ArgumentException($"the destination buffer is too small: {size} more bytes needed after {BytesWritten}");
        }

        Flush();
        _span = _output.GetSpan(Math.Max(size, MinimumBufferSize));
        if (_span.Length < size)
        {
            throw new InvalidOperationException($"the buffer writer returned {_span.Length} bytes when {size} were requested");
        }
    }
}
