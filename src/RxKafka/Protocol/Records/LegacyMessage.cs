using System.Buffers.Binary;
using System.IO.Hashing;

namespace RxKafka.Protocol.Records;

/// <summary>
/// The layout of a legacy message (magic 0 and 1): offset int64, message size int32, crc uint32
/// (IEEE, over magic..end), magic int8, attributes int8, [timestamp int64 in magic 1], key bytes
/// (int32 length, -1 for null), value bytes. Parsing checks every length against the message size.
/// </summary>
internal readonly struct LegacyMessage
{
    public const int LogOverhead = 12;
    public const int CrcOffset = 12;
    public const int MagicOffset = 16;
    public const int AttributesOffset = 17;
    public const int TimestampOffset = 18;
    public const int OverheadV0 = 14;
    public const int OverheadV1 = 22;

    public long Offset { get; init; }

    public int Size { get; init; }

    public uint Crc { get; init; }

    public byte Magic { get; init; }

    public byte Attributes { get; init; }

    public long Timestamp { get; init; }

    public int KeyStart { get; init; }

    public int KeyLength { get; init; }

    public bool IsKeyNull { get; init; }

    public int ValueStart { get; init; }

    public int ValueLength { get; init; }

    public bool IsValueNull { get; init; }

    /// <summary>The position just after the message.</summary>
    public int End { get; init; }

    public CompressionType Compression => (CompressionType)(Attributes & 0x07);

    public static int Overhead(byte magic) => magic == 0 ? OverheadV0 : OverheadV1;

    /// <summary>
    /// Parses the complete message at <paramref name="position"/>; <paramref name="where"/> says
    /// where it sits ("message" or "inner message of the wrapper at offset N") for error messages.
    /// </summary>
    public static LegacyMessage Parse(ReadOnlySpan<byte> span, int position, bool checkCrc, string where)
    {
        var left = span.Length - position;
        if (left < LogOverhead + OverheadV0)
        {
            throw new KafkaProtocolException($"truncated {where}: only {left} bytes left at byte {position}, a legacy message takes at least {LogOverhead + OverheadV0}");
        }

        var offset = BinaryPrimitives.ReadInt64BigEndian(span[position..]);
        var size = BinaryPrimitives.ReadInt32BigEndian(span[(position + 8)..]);
        var magic = span[position + MagicOffset];
        if (magic > 1)
        {
            throw new KafkaProtocolException($"unknown magic {magic} in {where} at offset {offset}: a legacy message set holds magic 0 or 1 messages");
        }

        var overhead = Overhead(magic);
        if (size < overhead)
        {
            throw new KafkaProtocolException($"bad message size: {where} at offset {offset} has size {size}, smaller than the {overhead}-byte overhead of magic {magic}");
        }

        if (size > left - LogOverhead)
        {
            throw new KafkaProtocolException($"truncated {where}: message at offset {offset} has size {size} but only {left - LogOverhead} bytes are left");
        }

        var end = position + LogOverhead + size;
        var message = span[..end];
        var crc = BinaryPrimitives.ReadUInt32BigEndian(message[(position + CrcOffset)..]);
        if (checkCrc)
        {
            var computed = Crc32.HashToUInt32(message[(position + MagicOffset)..]);
            if (computed != crc)
            {
                throw new KafkaProtocolException($"{where} at offset {offset} has CRC 0x{crc:X8} but computed 0x{computed:X8}");
            }
        }

        var attributes = message[position + AttributesOffset];
        var timestamp = magic == 0 ? -1L : BinaryPrimitives.ReadInt64BigEndian(message[(position + TimestampOffset)..]);
        var p = position + (magic == 0 ? TimestampOffset : TimestampOffset + 8);
        var (keyStart, keyLength, keyNull) = ReadBytes(message, ref p, offset, where, "key");
        var (valueStart, valueLength, valueNull) = ReadBytes(message, ref p, offset, where, "value");
        if (p != end)
        {
            throw new KafkaProtocolException($"bad message size: {where} at offset {offset} has size {size} but its fields take {p - position - LogOverhead} bytes");
        }

        return new LegacyMessage
        {
            Offset = offset,
            Size = size,
            Crc = crc,
            Magic = magic,
            Attributes = attributes,
            Timestamp = timestamp,
            KeyStart = keyStart,
            KeyLength = keyLength,
            IsKeyNull = keyNull,
            ValueStart = valueStart,
            ValueLength = valueLength,
            IsValueNull = valueNull,
            End = end,
        };
    }

    private static (int Start, int Length, bool IsNull) ReadBytes(ReadOnlySpan<byte> message, ref int p, long offset, string where, string field)
    {
        if (message.Length - p < 4)
        {
            throw new KafkaProtocolException($"truncated {where}: the {field} length of the message at offset {offset} runs past the end of the message");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(message[p..]);
        p += 4;
        if (length == -1)
        {
            return (p, 0, true);
        }

        if (length < 0)
        {
            throw new KafkaProtocolException($"negative length: {where} at offset {offset} has {field} length {length}");
        }

        if (length > message.Length - p)
        {
            throw new KafkaProtocolException($"truncated {where}: message at offset {offset} has {field} length {length} but only {message.Length - p} bytes are left in the message");
        }

        var start = p;
        p += length;
        return (start, length, false);
    }
}
