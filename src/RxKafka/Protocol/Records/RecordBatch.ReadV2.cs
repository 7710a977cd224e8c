using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Protocol.Records;

// Decoding one v2 record: the consumer's hottest loop (every record of every face passes here once).
public readonly partial struct RecordBatch
{
    public partial struct Enumerator
    {
        private void ReadV2()
        {
            var data = _batch.RecordsData;

            // Uncompressed records are a slice of a fetched frame and compressed ones of the reader's buffer, both
            // arrays: a span over the segment found once per batch skips ReadOnlyMemory.Span's type checks per record.
            var span = _records.Array is { } array
                ? MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), _records.Offset), _records.Count)
                : data.Span;
            ref var bytes = ref MemoryMarshal.GetReference(span);
            var position = _position;
            if (position >= span.Length)
            {
                ThrowRecordsEnded();
            }

            var read = ReadZigZag32(ref bytes, position, span.Length, out var length);
            if (read <= 0)
            {
                ThrowBadVarInt(read, "record length");
            }

            position += read;
            if (length < MinimumRecordSize - 1 || length > span.Length - position)
            {
                ThrowBadRecordLength(length, span.Length - position);
            }

            // The one bounds check of the record: from here every read is against end, which is inside the span.
            var end = position + length;

            // attributes: unused by the protocol so far
            position++;

            read = ReadZigZag64(ref bytes, position, end, out var timestampDelta);
            if (read <= 0)
            {
                ThrowBadVarInt(read, "timestamp delta");
            }

            position += read;
            read = ReadZigZag32(ref bytes, position, end, out var offsetDelta);
            if (read <= 0)
            {
                ThrowBadVarInt(read, "offset delta");
            }

            position += read;
            var offset = _batch.BaseOffset + offsetDelta;
            var keyStart = ReadLength(ref bytes, ref position, end, offset, "key", out var keyLength, out var keyNull);
            var valueStart = ReadLength(ref bytes, ref position, end, offset, "value", out var valueLength, out var valueNull);

            read = ReadZigZag32(ref bytes, position, end, out var headerCount);
            if (read <= 0)
            {
                ThrowBadVarInt(read, "header count");
            }

            position += read;
            var headersStart = position;
            if (headerCount != 0)
            {
                if (headerCount < 0 || headerCount > (end - position) / 2)
                {
                    ThrowBadHeaderCount(offset, headerCount, end - position);
                }

                position = RecordHeaders.Validate(span[..end], position, headerCount, offset);
            }

            if (position != end)
            {
                ThrowFieldsOverrun(offset, length, position - (end - length));
            }

            var timestamp = _timestampType == TimestampType.LogAppendTime ? _batch.MaxTimestamp : _batch.BaseTimestamp + timestampDelta;
            SetCurrent(offset, timestamp, keyStart, keyNull ? -1 : keyLength, valueStart, valueNull ? -1 : valueLength, headersStart, end - headersStart, headerCount);
            _position = end;
        }

        // A key or value length and its bytes, inside [position, end); returns where the bytes start.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly int ReadLength(ref byte bytes, ref int position, int end, long offset, string field, out int length, out bool isNull)
        {
            var read = ReadZigZag32(ref bytes, position, end, out length);
            if (read <= 0)
            {
                ThrowBadVarInt(read, field, " length");
            }

            position += read;
            isNull = length == -1;
            if (isNull)
            {
                length = 0;
                return position;
            }

            if ((uint)length > (uint)(end - position))
            {
                ThrowBadLength(offset, field, length, end - position);
            }

            var start = position;
            position += length;
            return start;
        }

        /// <summary>
        /// A zig-zag varint at <paramref name="position"/> of the bytes, which may not run past <paramref name="end"/>
        /// (inside the span: checked by the caller). One- and two-byte varints (most deltas and lengths) are read
        /// inline; longer ones, and every error, go to <see cref="VarInt"/>. Returns what VarInt's readers return.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int ReadZigZag32(ref byte bytes, int position, int end, out int value)
        {
            var read = ReadShort(ref bytes, position, end, out var raw);
            if (read != 0)
            {
                value = (int)(raw >> 1) ^ -(int)(raw & 1);
                return read;
            }

            return VarInt.TryReadSigned(Remaining(ref bytes, position, end), out value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int ReadZigZag64(ref byte bytes, int position, int end, out long value)
        {
            var read = ReadShort(ref bytes, position, end, out var raw);
            if (read != 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return read;
            }

            return VarInt.TryReadSigned64(Remaining(ref bytes, position, end), out value);
        }

        // The unsigned value of a one- or two-byte varint with two bytes left before end; 0 (read nothing) otherwise.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int ReadShort(ref byte bytes, int position, int end, out uint raw)
        {
            if (end - position >= 2)
            {
                uint b0 = Unsafe.Add(ref bytes, position);
                if (b0 < 0x80)
                {
                    raw = b0;
                    return 1;
                }

                uint b1 = Unsafe.Add(ref bytes, position + 1);
                if (b1 < 0x80)
                {
                    raw = (b0 & 0x7F) | (b1 << 7);
                    return 2;
                }
            }

            raw = 0;
            return 0;
        }

        private static ReadOnlySpan<byte> Remaining(ref byte bytes, int position, int end)
            => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref bytes, position), Math.Max(0, end - position));

        // The errors are built out of line: a message interpolated in ReadV2 itself gave it a frame of a few hundred
        // bytes that the JIT cleared on every call, for every record.
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void ThrowRecordsEnded()
            => throw new KafkaProtocolException($"bad record count: record batch at offset {_batch.BaseOffset} declares {_batch.RecordCount} records but its records end after {_index}");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void ThrowBadRecordLength(int length, int left)
            => throw new KafkaProtocolException(length < MinimumRecordSize - 1
                ? $"bad record length: record {_index} of the batch at offset {_batch.BaseOffset} has length {length}, less than the {MinimumRecordSize - 1} bytes of its fixed fields"
                : $"truncated record: record {_index} of the batch at offset {_batch.BaseOffset} has length {length} but only {left} bytes are left in the batch");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowBadHeaderCount(long offset, int headerCount, int left)
            => throw new KafkaProtocolException(headerCount < 0
                ? $"negative length: record at offset {offset} has header count {headerCount}"
                : $"bad header count: record at offset {offset} claims {headerCount} headers but only {left} bytes are left in the record");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowFieldsOverrun(long offset, int length, int taken)
            => throw new KafkaProtocolException($"bad record length: record at offset {offset} has length {length} but its fields take {taken} bytes");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowBadLength(long offset, string field, int length, int left)
            => throw new KafkaProtocolException(length < 0
                ? $"negative length: record at offset {offset} has {field} length {length}"
                : $"truncated record: record at offset {offset} has {field} length {length} but only {left} bytes are left in the record");

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void ThrowBadVarInt(int read, string what, string suffix = "")
            => throw new KafkaProtocolException(read == 0
                ? $"truncated record: the {what}{suffix} of record {_index} in the batch at offset {_batch.BaseOffset} runs past the end of the record"
                : $"bad varint: the {what}{suffix} of record {_index} in the batch at offset {_batch.BaseOffset} is longer than its maximum length");
    }
}
