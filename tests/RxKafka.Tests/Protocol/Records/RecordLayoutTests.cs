using RxKafka.Protocol.Records;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

// A Record is one memory and the offsets of its parts: the views it makes on demand (Key, Value, Headers) and the
// spans the consumer's deserializers read (GetSpans) must be the same bytes, records after the first included.
public sealed class RecordLayoutTests
{
    [Fact]
    public void Views_and_spans_are_the_bytes_written_for_every_record()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, Utf8("key-1"), Utf8("value-1"), [new RecordHeader("h1", Utf8("a")), new RecordHeader("h2", (byte[]?)null)]);
        builder.Append(2, ReadOnlySpan<byte>.Empty, keyIsNull: true, Utf8("value-2"), valueIsNull: false);
        builder.Append(3, Utf8("key-3"), keyIsNull: false, ReadOnlySpan<byte>.Empty, valueIsNull: true);
        builder.Append(4, ReadOnlySpan<byte>.Empty, keyIsNull: false, ReadOnlySpan<byte>.Empty, valueIsNull: false, [new RecordHeader("h3", Utf8("bc"))]);
        using var reader = new RecordBatchReader(builder.Build());
        Assert.True(reader.TryReadBatch(out var batch));

        var seen = new List<string>();
        foreach (var record in batch)
        {
            record.GetSpans(out var key, out var value);
            Assert.True(key.SequenceEqual(record.Key.Span));
            Assert.True(value.SequenceEqual(record.Value.Span));
            Assert.Equal(record.Headers.Count, record.HeaderCount);
            var headers = string.Join(",", record.Headers.Select(h => $"{h.Key}={(h.IsValueNull ? "null" : System.Text.Encoding.UTF8.GetString(h.Value.Span))}"));
            seen.Add($"{(record.IsKeyNull ? "null" : System.Text.Encoding.UTF8.GetString(key))}|{(record.IsValueNull ? "null" : System.Text.Encoding.UTF8.GetString(value))}|{headers}");
        }

        Assert.Equal(["key-1|value-1|h1=a,h2=null", "null|value-2|", "key-3|null|", "||h3=bc"], seen);
    }
}
