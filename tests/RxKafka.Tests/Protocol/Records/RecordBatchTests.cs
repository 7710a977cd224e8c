using System.Buffers;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

public sealed class RecordBatchTests
{
    // One record (timestamp 1000, key "k", value "v", header h=x), worked out by hand from the
    // RecordBatch and Record layouts at https://kafka.apache.org/documentation/#recordbatch:
    // varints are zig-zag (1 -> 0x02, 12 -> 0x18); the CRC-32C covers attributes..end.
    private static readonly byte[] Golden = Convert.FromHexString(
        "0000000000000000" + // baseOffset 0
        "0000003E" +         // batchLength 62 = 74 - 12
        "FFFFFFFF" +         // partitionLeaderEpoch -1
        "02" +               // magic 2
        "85D4936F" +         // crc (checked with kafka-python's pure-Python crc32c)
        "0000" +             // attributes: no compression, CreateTime, not transactional, not control
        "00000000" +         // lastOffsetDelta 0
        "00000000000003E8" + // baseTimestamp 1000
        "00000000000003E8" + // maxTimestamp 1000
        "FFFFFFFFFFFFFFFF" + // producerId -1
        "FFFF" +             // producerEpoch -1
        "FFFFFFFF" +         // baseSequence -1
        "00000001" +         // recordCount 1
        "18" +               // record length 12
        "00" +               // record attributes
        "00" +               // timestampDelta 0
        "00" +               // offsetDelta 0
        "02" + "6B" +        // key length 1, "k"
        "02" + "76" +        // value length 1, "v"
        "02" +               // 1 header
        "02" + "68" +        // header key length 1, "h"
        "02" + "78");        // header value length 1, "x"

    [Fact]
    public void Builder_writes_the_hand_worked_golden_batch()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1000, "k"u8, "v"u8, [new RecordHeader("h", Utf8("x"))]);
        Assert.Equal(Convert.ToHexString(Golden), Convert.ToHexString(builder.Build().Span));
    }

    [Fact]
    public void Reader_decodes_the_hand_worked_golden_batch()
    {
        using var reader = new RecordBatchReader(Golden);
        Assert.True(reader.TryReadBatch(out var batch));
        Assert.Equal(0, batch.BaseOffset);
        Assert.Equal(62, batch.BatchLength);
        Assert.Equal(74, batch.SizeInBytes);
        Assert.Equal(-1, batch.PartitionLeaderEpoch);
        Assert.Equal(2, batch.Magic);
        Assert.Equal(0x85D4936Fu, batch.Crc);
        Assert.Equal(CompressionType.None, batch.Compression);
        Assert.Equal(TimestampType.CreateTime, batch.TimestampType);
        Assert.False(batch.IsTransactional);
        Assert.False(batch.IsControl);
        Assert.False(batch.HasDeleteHorizon);
        Assert.Equal(0, batch.LastOffsetDelta);
        Assert.Equal(1000, batch.BaseTimestamp);
        Assert.Equal(1000, batch.MaxTimestamp);
        Assert.Equal(-1, batch.ProducerId);
        Assert.Equal(-1, batch.ProducerEpoch);
        Assert.Equal(-1, batch.BaseSequence);
        Assert.Equal(1, batch.RecordCount);
        Assert.Equal(1, batch.NextOffset);

        var count = 0;
        foreach (var record in batch)
        {
            count++;
            Assert.Equal(0, record.Offset);
            Assert.Equal(1000, record.Timestamp);
            Assert.Equal("k"u8.ToArray(), record.Key.ToArray());
            Assert.Equal("v"u8.ToArray(), record.Value.ToArray());
            Assert.False(record.IsKeyNull);
            Assert.False(record.IsValueNull);
            Assert.Equal(1, record.Headers.Count);
            foreach (var header in record.Headers)
            {
                Assert.Equal("h", header.Key);
                Assert.Equal("h"u8.ToArray(), header.KeyUtf8.ToArray());
                Assert.Equal("x"u8.ToArray(), header.Value.ToArray());
                Assert.False(header.IsValueNull);
            }
        }

        Assert.Equal(1, count);
        Assert.False(reader.TryReadBatch(out _));
        Assert.False(reader.HasPartialTrailingBatch);
        Assert.Equal(Golden.Length, reader.Position);
    }

    public static TheoryData<CompressionType, bool, bool, TimestampType> Combinations()
    {
        var data = new TheoryData<CompressionType, bool, bool, TimestampType>();
        foreach (var codec in AllCodecs)
        {
            foreach (var transactional in new[] { false, true })
            {
                foreach (var timestampType in new[] { TimestampType.CreateTime, TimestampType.LogAppendTime })
                {
                    data.Add(codec, transactional, false, timestampType);
                }
            }

            data.Add(codec, true, true, TimestampType.CreateTime);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Round_trip_keeps_every_field(CompressionType codec, bool transactional, bool control, TimestampType timestampType)
    {
        var input = new List<TestRecord>
        {
            new(0, 1_700_000_000_000, Utf8("key-0"), Utf8("value-0"), []),
            new(0, 1_700_000_000_005, null, Utf8("null key"), [("trace", Utf8("abc")), ("empty", []), ("nothing", null)]),
            new(0, 1_699_999_999_000, Utf8("tombstone"), null, []),
            new(0, 1_700_000_000_001, [], [], [("ü-ключ", Utf8("unicode key"))]),
            new(0, 1_700_000_000_002, null, null, []),
            new(0, 1_700_000_000_003, new byte[300], Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray(), [("big", new byte[200])]),
        };

        using var builder = new RecordBatchBuilder();
        builder.BaseOffset = 4242;
        builder.PartitionLeaderEpoch = 7;
        builder.ProducerId = 123456789012;
        builder.ProducerEpoch = 3;
        builder.BaseSequence = 99;
        builder.IsTransactional = transactional;
        builder.IsControl = control;
        builder.TimestampType = timestampType;
        builder.LogAppendTime = 1_800_000_000_000;
        foreach (var r in input)
        {
            var headers = r.Headers.Select(h => new RecordHeader(h.Key, h.Value)).ToArray();
            builder.Append(r.Timestamp, r.Key, r.Value, headers);
        }

        var buffer = new ArrayBufferWriter<byte>();
        builder.Build(buffer, codec);
        var batches = ReadAll(buffer.WrittenMemory);

        var (batch, records) = Assert.Single(batches);
        Assert.Equal(4242, batch.BaseOffset);
        Assert.Equal(7, batch.PartitionLeaderEpoch);
        Assert.Equal(123456789012, batch.ProducerId);
        Assert.Equal(3, batch.ProducerEpoch);
        Assert.Equal(99, batch.BaseSequence);
        Assert.Equal(transactional, batch.IsTransactional);
        Assert.Equal(control, batch.IsControl);
        Assert.Equal(codec, batch.Compression);
        Assert.Equal(timestampType, batch.TimestampType);
        Assert.Equal(input.Count - 1, batch.LastOffsetDelta);
        Assert.Equal(input.Count, batch.RecordCount);
        Assert.Equal(1_700_000_000_000, batch.BaseTimestamp);
        Assert.Equal(timestampType == TimestampType.LogAppendTime ? 1_800_000_000_000 : 1_700_000_000_005, batch.MaxTimestamp);
        Assert.Equal(buffer.WrittenCount, batch.SizeInBytes);

        Assert.Equal(input.Count, records.Count);
        for (var i = 0; i < input.Count; i++)
        {
            var expected = input[i] with
            {
                Offset = 4242 + i,
                Timestamp = timestampType == TimestampType.LogAppendTime ? 1_800_000_000_000 : input[i].Timestamp,
            };
            Assert.True(expected.Equivalent(records[i]), $"record {i}: expected {expected}, got {records[i]}");
        }
    }

    [Fact]
    public void Null_and_empty_are_told_apart()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, ReadOnlySpan<byte>.Empty, keyIsNull: true, ReadOnlySpan<byte>.Empty, valueIsNull: false);
        builder.Append(2, ReadOnlySpan<byte>.Empty, keyIsNull: false, ReadOnlySpan<byte>.Empty, valueIsNull: true);
        using var reader = new RecordBatchReader(builder.Build());
        Assert.True(reader.TryReadBatch(out var batch));
        var e = batch.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.Current.IsKeyNull);
        Assert.False(e.Current.IsValueNull);
        Assert.True(e.MoveNext());
        Assert.False(e.Current.IsKeyNull);
        Assert.True(e.Current.IsValueNull);
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void Several_batches_one_after_another_and_reader_reuse()
    {
        using var builder = new RecordBatchBuilder();
        var all = new List<byte>();
        for (var b = 0; b < 5; b++)
        {
            builder.Reset();
            builder.BaseOffset = b * 10;
            for (var i = 0; i < b + 1; i++)
            {
                builder.Append(100 + i, Utf8($"k{b}.{i}"), Utf8($"v{b}.{i}"));
            }

            all.AddRange(builder.Build(b % 2 == 0 ? CompressionType.None : CompressionType.Gzip).ToArray());
        }

        var bytes = all.ToArray();
        using var reader = new RecordBatchReader(ReadOnlyMemory<byte>.Empty);
        for (var pass = 0; pass < 2; pass++)
        {
            reader.Reset(bytes);
            var seen = new List<string>();
            foreach (var batch in reader)
            {
                foreach (var record in batch)
                {
                    seen.Add($"{record.Offset}:{System.Text.Encoding.UTF8.GetString(record.Value.Span)}");
                }
            }

            Assert.Equal(15, seen.Count);
            Assert.Equal("0:v0.0", seen[0]);
            Assert.Equal("40:v4.0", seen[10]);
            Assert.Equal("44:v4.4", seen[14]);
            Assert.False(reader.HasPartialTrailingBatch);
        }
    }

    [Fact]
    public void Delete_horizon_is_the_base_timestamp()
    {
        using var builder = new RecordBatchBuilder();
        builder.DeleteHorizonMs = 5000;
        builder.Append(5010, "a"u8, "b"u8);
        builder.Append(4990, "c"u8, "d"u8);
        Assert.Throws<InvalidOperationException>(() => builder.DeleteHorizonMs = 1);
        var (batch, records) = Assert.Single(ReadAll(builder.Build()));
        Assert.True(batch.HasDeleteHorizon);
        Assert.Equal(5000, batch.DeleteHorizonMs);
        Assert.Equal(5010, batch.MaxTimestamp);
        Assert.Equal([5010L, 4990L], records.Select(r => r.Timestamp).ToArray());
    }

    [Fact]
    public void Empty_batch_round_trips()
    {
        using var builder = new RecordBatchBuilder();
        builder.ProducerId = 5;
        var (batch, records) = Assert.Single(ReadAll(builder.Build()));
        Assert.Equal(0, batch.RecordCount);
        Assert.Empty(records);
        Assert.Equal(5, batch.ProducerId);
    }

    [Fact]
    public void Control_records_parse_as_transaction_markers()
    {
        using var builder = new RecordBatchBuilder();
        builder.IsControl = true;
        builder.IsTransactional = true;
        builder.ProducerId = 77;
        builder.AppendControlRecord(123, ControlRecordType.Commit, coordinatorEpoch: 9);
        builder.AppendControlRecord(124, ControlRecordType.Abort, coordinatorEpoch: 10);
        using var reader = new RecordBatchReader(builder.Build());
        Assert.True(reader.TryReadBatch(out var batch));
        Assert.True(batch.IsControl);
        var markers = new List<ControlRecord>();
        foreach (var record in batch)
        {
            Assert.True(ControlRecord.TryParse(record, out var control));
            markers.Add(control);
        }

        Assert.Equal([new ControlRecord(ControlRecordType.Commit, 0, 0, 9), new ControlRecord(ControlRecordType.Abort, 0, 0, 10)], markers);
        Assert.True(markers[0].IsTransactionMarker);
    }

    [Fact]
    public void Control_record_parsing_rejects_short_or_null_keys_and_values()
    {
        Assert.False(ControlRecord.TryParse([0, 0, 0], false, [0, 0, 0, 0, 0, 1], false, out _));
        Assert.False(ControlRecord.TryParse([0, 0, 0, 1], true, [0, 0, 0, 0, 0, 1], false, out _));
        Assert.False(ControlRecord.TryParse([0, 0, 0, 1], false, [0, 0, 0, 0, 0], false, out _));
        Assert.False(ControlRecord.TryParse([0, 0, 0, 0], false, default, true, out _));
        Assert.True(ControlRecord.TryParse([0, 1, 0, 0], false, [0, 2, 0, 0, 1, 0], false, out var abort));
        Assert.Equal(new ControlRecord(ControlRecordType.Abort, 1, 2, 256), abort);

        // A type that is not a transaction marker (KRaft's leader change is 2) keeps its number.
        Assert.True(ControlRecord.TryParse([0, 0, 0, 2], false, [9], false, out var other));
        Assert.Equal((ControlRecordType)2, other.Type);
        Assert.False(other.IsTransactionMarker);
        Assert.Equal(-1, other.CoordinatorEpoch);
    }

    [Fact]
    public void Headers_last_value_wins_lookup()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "k"u8, "v"u8, [new RecordHeader("a", Utf8("1")), new RecordHeader("b", Utf8("2")), new RecordHeader("a", Utf8("3"))]);
        using var reader = new RecordBatchReader(builder.Build());
        Assert.True(reader.TryReadBatch(out var batch));
        var e = batch.GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.True(e.Current.Headers.TryGetLast("a", out var a));
        Assert.Equal("3"u8.ToArray(), a.Value.ToArray());
        Assert.False(e.Current.Headers.TryGetLast("c", out _));
        Assert.Equal(["a", "b", "a"], e.Current.Headers.Select(h => h.Key).ToArray());
    }

    [Fact]
    public void Builder_reuse_after_reset_gives_identical_bytes()
    {
        using var builder = new RecordBatchBuilder(64);
        byte[] Build()
        {
            builder.Reset();
            builder.ProducerId = 1;
            for (var i = 0; i < 100; i++)
            {
                builder.Append(1000 + i, Utf8($"key{i}"), new byte[i]);
            }

            return builder.Build().ToArray();
        }

        var first = Build();
        var second = Build();
        Assert.Equal(first, second);
        Assert.Equal(100, ReadAll(first)[0].Records.Count);
    }
}
