using System.Text;
using RxKafka.Cli.Rendering;
using RxKafka.Consumer;
using RxKafka.Protocol.Records;
using RxKafka.Serialization;

namespace RxKafka.Tests.Cli.Rendering;

/// <summary>The lines <c>rxkafka consume</c> prints: one per record, whatever its bytes.</summary>
public sealed class RecordLinesTests
{
    private static readonly ConsumeResult<byte[]?, byte[]?> Keyed = new()
    {
        TopicPartition = new("orders", 2),
        Offset = 17,
        Key = "ключ"u8.ToArray(),
        Value = "line\tone\nline \\ two\r"u8.ToArray(),
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        TimestampType = TimestampType.LogAppendTime,
        Headers = new Headers { { "h", "é"u8.ToArray() }, { "h", null }, { "bin", [0xc3] } },
    };

    private static readonly ConsumeResult<byte[]?, byte[]?> Binary = new()
    {
        TopicPartition = new("orders", 0),
        Offset = 0,
        Key = null,
        Value = [0xff, 0xfe, 0x00],
        TimestampType = TimestampType.NotAvailable,
    };

    [Fact]
    public void Text_is_one_tab_separated_line_per_record_with_its_breaks_escaped()
    {
        Assert.Equal(
            "orders-2@17\tключ\tline\\tone\\nline \\\\ two\\r\norders-0@0\t(null)\tbase64://4A\n",
            Render(RecordFormat.Text, Keyed, Binary));
    }

    [Fact]
    public void Json_is_one_object_per_line_with_non_UTF8_bytes_marked_as_base64()
    {
        Assert.Equal(
            """{"topic":"orders","partition":2,"offset":17,"timestamp":1700000000000,"timestamp_type":"log_append_time","key":"ключ","value":"line\tone\nline \\ two\r","headers":[{"key":"h","value":"é"},{"key":"h","value":null},{"key":"bin","value":{"base64":"ww=="}}]}"""
            + "\n"
            + """{"topic":"orders","partition":0,"offset":0,"timestamp":-1,"timestamp_type":"none","key":null,"value":{"base64":"//4A"},"headers":[]}"""
            + "\n",
            Render(RecordFormat.Json, Keyed, Binary));
    }

    [Fact]
    public void Nothing_reaches_the_stream_before_a_flush()
    {
        var inner = new MemoryStream();
        using var buffered = new BufferedStream(inner, 4096);
        var lines = new RecordLines(buffered, RecordFormat.Text);

        lines.Write(Binary);
        Assert.Equal(0, inner.Length);
        lines.Flush();

        Assert.Equal("orders-0@0\t(null)\tbase64://4A\n", Encoding.UTF8.GetString(inner.ToArray()));
    }

    private static string Render(RecordFormat format, params ConsumeResult<byte[]?, byte[]?>[] records)
    {
        var stream = new MemoryStream();
        var lines = new RecordLines(stream, format);
        foreach (var record in records)
        {
            lines.Write(record);
        }

        lines.Flush();
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
