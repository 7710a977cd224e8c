using System.Buffers.Binary;
using System.IO.Hashing;
using RxKafka.Protocol.Compression;

namespace RxKafka.Protocol.Records;

/// <summary>
/// Builds a legacy message set (magic 0 or 1), for brokers that only take Produce v0-v2 and for
/// tests. Uncompressed, the messages carry absolute offsets BaseOffset, BaseOffset + 1, ...;
/// compressed, they become the value of one wrapper message whose offset is the last offset,
/// with inner offsets relative (0, 1, ...) in magic 1 and absolute in magic 0.
/// </summary>
internal sealed class LegacyMessageSetBuilder : IDisposable
{
    private readonly PooledBufferWriter _messages;
    private PooledBufferWriter? _compressed;
    private long _maxTimestamp = -1;

    public LegacyMessageSetBuilder(byte magic, int initialCapacity = 16 * 1024)
    {
        if (magic > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(magic), magic, "legacy message sets are magic 0 or 1");
        }

        Magic = magic;
        _messages = new PooledBufferWriter(initialCapacity);
    }

    /// <summary>The message format: 0 (no timestamps) or 1.</summary>
    public byte Magic { get; private set; }

    /// <summary>The offset of the first message.</summary>
    public long BaseOffset { get; set; }

    /// <summary>Magic 1 only: with LogAppendTime, <see cref="LogAppendTime"/> replaces the timestamps (of the wrapper when compressed).</summary>
    public TimestampType TimestampType { get; set; } = TimestampType.CreateTime;

    /// <summary>The log append time used when <see cref="TimestampType"/> is LogAppendTime.</summary>
    public long LogAppendTime { get; set; } = -1;

    /// <summary>The number of messages appended.</summary>
    public int Count { get; private set; }

    /// <summary>The size of the uncompressed message set so far.</summary>
    public int SizeInBytes => _messages.WrittenCount;

    /// <summary>Forgets the messages and restores the defaults, optionally switching magic.</summary>
    public void Reset(byte? magic = null)
    {
        if (magic is > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(magic), magic, "legacy message sets are magic 0 or 1");
        }

        Magic = magic ?? Magic;
        _messages.Clear();
        Count = 0;
        _maxTimestamp = -1;
        BaseOffset = 0;
        TimestampType = TimestampType.CreateTime;
        LogAppendTime = -1;
    }

    /// <summary>Appends a message; a null array is a null key or value. Magic 0 ignores the timestamp.</summary>
    public void Append(long timestamp, byte[]? key, byte[]? value)
        => Append(timestamp, key, key is null, value, value is null);

    /// <summary>Appends a message whose key or value may be null. Magic 0 ignores the timestamp.</summary>
    public void Append(long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        WriteMessage(_messages, BaseOffset + Count, Magic, 0, timestamp, key, keyIsNull, value, valueIsNull);
        _maxTimestamp = Count == 0 ? timestamp : Math.Max(_maxTimestamp, timestamp);
        Count++;
    }

    /// <summary>
    /// Finishes the message set and returns its bytes, valid until the next append, build,
    /// reset or dispose. Zstd is not allowed: legacy messages predate it.
    /// </summary>
    public ReadOnlyMemory<byte> Build(CompressionType compression = CompressionType.None, int? compressionLevel = null)
    {
        var logAppendTime = Magic == 1 && TimestampType == TimestampType.LogAppendTime;
        if (compression == CompressionType.None)
        {
            PatchOffsets(relative: false, logAppendTime);
            return _messages.WrittenMemory;
        }

        if (compression is not (CompressionType.Gzip or CompressionType.Snappy or CompressionType.Lz4))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "legacy messages can be compressed with gzip, snappy or lz4 only");
        }

        if (Count == 0)
        {
            throw new InvalidOperationException("a compressed message set needs at least one message");
        }

        PatchOffsets(relative: Magic == 1, logAppendTime: false);
        var output = _compressed ??= new PooledBufferWriter(_messages.Capacity / 2);
        output.Clear();

        // Wrapper: header, null key, then the compressed inner set as the value.
        var valueStart = LegacyMessage.LogOverhead + LegacyMessage.Overhead(Magic);
        output.GetSpan(valueStart);
        output.Advance(valueStart);
        var before = output.WrittenCount;
        KafkaCompression.Compress(compression, _messages.WrittenSpan, output, compressionLevel);
        if (compression == CompressionType.Lz4 && Magic == 0)
        {
            LegacyLz4.BreakHeaderChecksum(output.WrittenSpanMutable[before..]);
        }

        var valueLength = output.WrittenCount - before;
        var wrapper = output.WrittenSpanMutable;
        var attributes = (byte)((byte)compression | (logAppendTime ? RecordBatch.TimestampTypeFlag : 0));
        var timestamp = logAppendTime ? LogAppendTime : _maxTimestamp;
        WriteHeader(wrapper, BaseOffset + Count - 1, Magic, attributes, timestamp, wrapper.Length - LegacyMessage.LogOverhead);
        var p = LegacyMessage.TimestampOffset + (Magic == 0 ? 0 : 8);
        BinaryPrimitives.WriteInt32BigEndian(wrapper[p..], -1);
        BinaryPrimitives.WriteInt32BigEndian(wrapper[(p + 4)..], valueLength);
        BinaryPrimitives.WriteUInt32BigEndian(wrapper[LegacyMessage.CrcOffset..], Crc32.HashToUInt32(wrapper[LegacyMessage.MagicOffset..]));
        return output.WrittenMemory;
    }

    public void Dispose()
    {
        _messages.Dispose();
        _compressed?.Dispose();
        _compressed = null;
    }

    /// <summary>Writes one complete message (used by the builder and by tests that need odd messages).</summary>
    internal static void WriteMessage(PooledBufferWriter output, long offset, byte magic, byte attributes, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        var size = LegacyMessage.Overhead(magic) + (keyIsNull ? 0 : key.Length) + (valueIsNull ? 0 : value.Length);
        var message = output.GetSpan(LegacyMessage.LogOverhead + size)[..(LegacyMessage.LogOverhead + size)];
        WriteHeader(message, offset, magic, attributes, timestamp, size);
        var p = LegacyMessage.TimestampOffset + (magic == 0 ? 0 : 8);
        p = WriteBytes(message, p, key, keyIsNull);
        WriteBytes(message, p, value, valueIsNull);
        BinaryPrimitives.WriteUInt32BigEndian(message[LegacyMessage.CrcOffset..], Crc32.HashToUInt32(message[LegacyMessage.MagicOffset..]));
        output.Advance(message.Length);
    }

    private static void WriteHeader(Span<byte> message, long offset, byte magic, byte attributes, long timestamp, int size)
    {
        BinaryPrimitives.WriteInt64BigEndian(message, offset);
        BinaryPrimitives.WriteInt32BigEndian(message[8..], size);
        message[LegacyMessage.MagicOffset] = magic;
        message[LegacyMessage.AttributesOffset] = attributes;
        if (magic == 1)
        {
            BinaryPrimitives.WriteInt64BigEndian(message[LegacyMessage.TimestampOffset..], timestamp);
        }
    }

    private static int WriteBytes(Span<byte> message, int p, ReadOnlySpan<byte> bytes, bool isNull)
    {
        BinaryPrimitives.WriteInt32BigEndian(message[p..], isNull ? -1 : bytes.Length);
        p += 4;
        if (!isNull)
        {
            bytes.CopyTo(message[p..]);
            p += bytes.Length;
        }

        return p;
    }

    /// <summary>Sets each message's offset (the CRC does not cover it) and, for LogAppendTime, its timestamp type and time.</summary>
    private void PatchOffsets(bool relative, bool logAppendTime)
    {
        var messages = _messages.WrittenSpanMutable;
        var p = 0;
        for (var i = 0; i < Count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(messages[p..], relative ? i : BaseOffset + i);
            var size = BinaryPrimitives.ReadInt32BigEndian(messages[(p + 8)..]);
            var message = messages.Slice(p, LegacyMessage.LogOverhead + size);
            var attributes = (byte)(message[LegacyMessage.AttributesOffset] & ~RecordBatch.TimestampTypeFlag);
            if (logAppendTime)
            {
                attributes |= (byte)RecordBatch.TimestampTypeFlag;
                BinaryPrimitives.WriteInt64BigEndian(message[LegacyMessage.TimestampOffset..], LogAppendTime);
            }

            if (attributes != message[LegacyMessage.AttributesOffset] || logAppendTime)
            {
                message[LegacyMessage.AttributesOffset] = attributes;
                BinaryPrimitives.WriteUInt32BigEndian(message[LegacyMessage.CrcOffset..], Crc32.HashToUInt32(message[LegacyMessage.MagicOffset..]));
            }

            p += message.Length;
        }
    }
}
