using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace RxKafka.Protocol.Primitives;

/// <summary>
/// Reads Kafka wire primitives from a contiguous buffer. Every length read from the wire is
/// checked against the bytes actually left before anything is sized by it, so a corrupt or
/// hostile length cannot cause a large allocation; every problem is a
/// <see cref="KafkaProtocolException"/> that says what was wrong and where.
/// </summary>
/// <remarks>
/// Byte-array fields are copied; <see cref="ReadRecords"/> and <see cref="ReadSlice"/> return
/// slices of the underlying memory without copying, so they are only valid as long as that memory is.
/// </remarks>
internal ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    /// <summary>Creates a reader over <paramref name="buffer"/>, starting at its first byte.</summary>
    public KafkaReader(ReadOnlyMemory<byte> buffer)
    {
        _memory = buffer;
        _span = buffer.Span;
        _position = 0;
    }

    /// <summary>
    /// Creates a reader over a sequence. A single-segment sequence is read in place; a
    /// multi-segment one is copied once into one array (frames are normally contiguous).
    /// </summary>
    public KafkaReader(in ReadOnlySequence<byte> buffer)
        : this(buffer.IsSingleSegment ? buffer.First : buffer.ToArray())
    {
    }

    /// <summary>The offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>The number of bytes not read yet.</summary>
    public readonly int Remaining => _span.Length - _position;

    /// <summary>Whether every byte has been read.</summary>
    public readonly bool End => _position >= _span.Length;

    /// <summary>Reads an int8.</summary>
    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    /// <summary>Reads a boolean (one byte, non-zero is true).</summary>
    public bool ReadBoolean() => Take(1)[0] != 0;

    /// <summary>Reads a big-endian int16.</summary>
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian uint16.</summary>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>Reads a big-endian int32.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian uint32.</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian int64.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Reads a big-endian IEEE 754 float64.</summary>
    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Reads a Kafka UUID (16 bytes, most significant first).</summary>
    public Guid ReadUuid() => Uuid.Read(Take(16));

    /// <summary>Reads an unsigned varint of at most 5 bytes.</summary>
    public uint ReadUnsignedVarInt()
    {
        var read = VarInt.TryReadUnsigned(_span[_position..], out var value);
        if (read <= 0)
        {
            ThrowBadVarInt(read, "unsigned varint");
        }

        _position += read;
        return value;
    }

    /// <summary>Reads a zig-zag encoded signed varint (int32).</summary>
    public int ReadVarInt()
    {
        var read = VarInt.TryReadSigned(_span[_position..], out var value);
        if (read <= 0)
        {
            ThrowBadVarInt(read, "varint");
        }

        _position += read;
        return value;
    }

    /// <summary>Reads a zig-zag encoded signed varlong (int64).</summary>
    public long ReadVarLong()
    {
        var read = VarInt.TryReadSigned64(_span[_position..], out var value);
        if (read <= 0)
        {
            ThrowBadVarInt(read, "varlong");
        }

        _position += read;
        return value;
    }

    /// <summary>Reads a non-null string: int16 length, or with <paramref name="compact"/> an unsigned varint length + 1.</summary>
    public string ReadString(bool compact)
        => ReadNullableString(compact) ?? throw new KafkaProtocolException($"malformed string: a non-nullable string was null at offset {_position}");

    /// <summary>Reads a nullable string (length -1, or compact length 0, means null).</summary>
    public string? ReadNullableString(bool compact)
    {
        var start = _position;
        var length = compact ? (int)ReadUnsignedVarIntLength("string length") - 1 : ReadInt16();
        if (length < 0)
        {
            if (length == -1)
            {
                return null;
            }

            throw new KafkaProtocolException($"negative length: string length {length} at offset {start}");
        }

        return Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Reads non-null bytes (int32 length, or compact varint length + 1), copying them.</summary>
    public byte[] ReadBytes(bool compact)
        => ReadNullableBytes(compact) ?? throw new KafkaProtocolException($"malformed bytes: a non-nullable bytes field was null at offset {_position}");

    /// <summary>Reads nullable bytes (length -1, or compact length 0, means null), copying them.</summary>
    public byte[]? ReadNullableBytes(bool compact)
    {
        var length = ReadBytesLength(compact, "bytes");
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>
    /// Reads a nullable records field (a length-prefixed run of record batches) as a slice of
    /// the underlying memory, without copying.
    /// </summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        var length = ReadBytesLength(compact, "records");
        return length < 0 ? (ReadOnlyMemory<byte>?)null : ReadSlice(length);
    }

    /// <summary>Reads <paramref name="length"/> bytes as a slice of the underlying memory, without copying.</summary>
    public ReadOnlyMemory<byte> ReadSlice(int length)
    {
        EnsureAvailable(length);
        var slice = _memory.Slice(_position, length);
        _position += length;
        return slice;
    }

    /// <summary>Reads <paramref name="length"/> bytes as a span over the underlying memory, without copying.</summary>
    public ReadOnlySpan<byte> ReadSpan(int length) => Take(length);

    /// <summary>
    /// Reads an array length: int32, or with <paramref name="compact"/> an unsigned varint
    /// count + 1. Returns -1 for a null array. A count larger than the bytes left is rejected
    /// before anything is allocated (every element takes at least one byte).
    /// </summary>
    public int ReadArrayLength(bool compact)
    {
        var start = _position;
        var count = compact ? (int)ReadUnsignedVarIntLength("array length") - 1 : ReadInt32();
        if (count < -1)
        {
            throw new KafkaProtocolException($"negative length: array length {count} at offset {start}");
        }

        if (count > Remaining)
        {
            throw new KafkaProtocolException($"bad array length: {count} elements claimed at offset {start} but only {Remaining} bytes left");
        }

        return count;
    }

    /// <summary>Skips <paramref name="length"/> bytes.</summary>
    public void Skip(int length) => _position += Take(length).Length;

    /// <summary>Reads a tagged-field buffer in flexible versions, keeping tags the caller does not know.</summary>
    /// <remarks>Generated code uses <see cref="ReadTaggedFieldHeader"/> directly; this reads a buffer with no known tags.</remarks>
    public List<TaggedField>? ReadUnknownTaggedFields()
    {
        List<TaggedField>? unknown = null;
        var count = ReadTaggedFieldCount();
        for (var i = 0; i < count; i++)
        {
            var (tag, size) = ReadTaggedFieldHeader();
            (unknown ??= new List<TaggedField>()).Add(new TaggedField(tag, Take(size).ToArray()));
        }

        return unknown;
    }

    /// <summary>Reads the number of tagged fields that follow.</summary>
    public int ReadTaggedFieldCount()
    {
        var start = _position;
        var count = ReadUnsignedVarInt();
        if (count > (uint)Remaining)
        {
            throw new KafkaProtocolException($"bad tagged field count: {count} claimed at offset {start} but only {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>Reads one tagged field's tag and size, checking the size against the bytes left.</summary>
    public (int Tag, int Size) ReadTaggedFieldHeader()
    {
        var start = _position;
        var tag = ReadUnsignedVarInt();
        var size = ReadUnsignedVarInt();
        if (tag > int.MaxValue || size > (uint)Remaining)
        {
            throw new KafkaProtocolException($"bad tagged field: tag {tag} claims {size} bytes at offset {start} but only {Remaining} bytes left");
        }

        return ((int)tag, (int)size);
    }

    /// <summary>Reads an unknown tagged field's value of <paramref name="size"/> bytes, copying it.</summary>
    public TaggedField ReadUnknownTaggedField(int tag, int size) => new(tag, Take(size).ToArray());

    /// <summary>
    /// Returns a reader over the next <paramref name="size"/> bytes and moves past them; used for a
    /// known tagged field so that its value cannot read beyond its declared size.
    /// </summary>
    public KafkaReader ReadSubReader(int size)
    {
        var sub = new KafkaReader(ReadSlice(size));
        return sub;
    }

    /// <summary>Throws unless every byte was consumed; used to reject trailing garbage inside a tagged field.</summary>
    public readonly void EnsureEnd(string what)
    {
        if (!End)
        {
            throw new KafkaProtocolException($"malformed {what}: {Remaining} unread bytes left over");
        }
    }

    private int ReadBytesLength(bool compact, string what)
    {
        var start = _position;
        var length = compact ? (int)ReadUnsignedVarIntLength($"{what} length") - 1 : ReadInt32();
        if (length < -1)
        {
            throw new KafkaProtocolException($"negative length: {what} length {length} at offset {start}");
        }

        return length;
    }

    private uint ReadUnsignedVarIntLength(string what)
    {
        var start = _position;
        var value = ReadUnsignedVarInt();
        if (value > int.MaxValue)
        {
            throw new KafkaProtocolException($"bad {what}: compact length {value} at offset {start} is larger than any buffer");
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int length)
    {
        EnsureAvailable(length);
        var span = _span.Slice(_position, length);
        _position += length;
        return span;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void EnsureAvailable(int length)
    {
        if ((uint)length > (uint)(_span.Length - _position))
        {
            ThrowTruncated(length);
        }
    }

    private readonly void ThrowTruncated(int length)
        => throw new KafkaProtocolException(length < 0
            ? $"negative length: {length} at offset {_position}"
            : $"truncated input: needed {length} bytes at offset {_position}, only {Remaining} left");

    private readonly void ThrowBadVarInt(int code, string what)
        => throw new KafkaProtocolException(code == 0
            ? $"truncated input: {what} at offset {_position} runs past the end of the buffer"
            : $"bad varint: {what} at offset {_position} is longer than its maximum length");
}
