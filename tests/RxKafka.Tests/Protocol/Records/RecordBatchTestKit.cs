using System.Text;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;

namespace RxKafka.Tests.Protocol.Records;

/// <summary>A record as plain data, for building batches and comparing what comes back.</summary>
internal sealed record TestRecord(long Offset, long Timestamp, byte[]? Key, byte[]? Value, (string Key, byte[]? Value)[] Headers)
{
    public static TestRecord From(in Record record)
    {
        var headers = new List<(string, byte[]?)>();
        foreach (var h in record.Headers)
        {
            headers.Add((h.Key, h.IsValueNull ? null : h.Value.ToArray()));
        }

        return new TestRecord(
            record.Offset,
            record.Timestamp,
            record.IsKeyNull ? null : record.Key.ToArray(),
            record.IsValueNull ? null : record.Value.ToArray(),
            headers.ToArray());
    }

    public bool Equivalent(TestRecord other)
        => Offset == other.Offset
        && Timestamp == other.Timestamp
        && SameBytes(Key, other.Key)
        && SameBytes(Value, other.Value)
        && Headers.Length == other.Headers.Length
        && Headers.Zip(other.Headers).All(p => p.First.Key == p.Second.Key && SameBytes(p.First.Value, p.Second.Value));

    public override string ToString()
        => $"@{Offset} t={Timestamp} k={Show(Key)} v={Show(Value)} h=[{string.Join(",", Headers.Select(h => $"{h.Key}={Show(h.Value)}"))}]";

    private static bool SameBytes(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static string Show(byte[]? b) => b is null ? "null" : Convert.ToHexString(b);
}

internal static class RecordBatchTestKit
{
    public static readonly CompressionType[] AllCodecs =
    [
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    ];

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Reads every batch and record, copying them out.</summary>
    public static List<(RecordBatch Batch, List<TestRecord> Records)> ReadAll(ReadOnlyMemory<byte> bytes, bool checkCrcs = true)
    {
        using var reader = new RecordBatchReader(bytes, checkCrcs);
        var result = new List<(RecordBatch, List<TestRecord>)>();
        while (reader.TryReadBatch(out var batch))
        {
            var records = new List<TestRecord>();
            foreach (var record in batch)
            {
                records.Add(TestRecord.From(record));
            }

            result.Add((batch, records));
        }

        return result;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
