using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RxKafka.Consumer;
using RxKafka.Protocol.Records;

namespace RxKafka.Cli.Rendering;

/// <summary>How <c>rxkafka consume</c> prints a record.</summary>
internal enum RecordFormat
{
    /// <summary>
    /// One tab-separated line: <c>topic-partition@offset</c>, key, value. Text that is not UTF-8 as
    /// <c>base64:...</c>, null as <c>(null)</c>; backslash, tab, CR and LF escaped so a record stays one line.
    /// </summary>
    Text,

    /// <summary>
    /// One JSON object per line: topic, partition, offset, timestamp (Unix ms; -1 for none), timestamp_type (create_time, log_append_time, none), key, value,
    /// headers (in order, as {"key","value"}). Bytes that are UTF-8 as a string, others as
    /// <c>{"base64":"..."}</c>, null as null.
    /// </summary>
    Json,
}

/// <summary>Writes consumed records to a stream as lines of <see cref="RecordFormat"/>, UTF-8. Not thread-safe: one reader writes.</summary>
internal sealed class RecordLines(Stream output, RecordFormat format)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    // Relaxed: a value's non-ASCII text stays readable (é, not \u00e9); the output is JSON lines, not HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter? _json;

    /// <summary>Writes one record as one line (buffered: see <see cref="Flush"/>).</summary>
    public void Write(ConsumeResult<byte[]?, byte[]?> record)
    {
        _buffer.ResetWrittenCount();
        if (format == RecordFormat.Json)
        {
            WriteJson(record);
        }
        else
        {
            WriteText(record);
        }

        output.Write(_buffer.WrittenSpan);
        output.Write(NewLine);
    }

    /// <summary>Hands what was written to the stream's destination (a terminal or a pipe sees it now).</summary>
    public void Flush() => output.Flush();

    /// <summary>The text of <paramref name="bytes"/> when they are valid UTF-8, else null.</summary>
    public static string? Utf8OrNull(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private void WriteText(ConsumeResult<byte[]?, byte[]?> record)
    {
        var line = new StringBuilder(64);
        line.Append(record.Topic).Append('-').Append(record.Partition.ToString(CultureInfo.InvariantCulture))
            .Append('@').Append(record.Offset.ToString(CultureInfo.InvariantCulture)).Append('\t');
        AppendText(line, record.Key);
        line.Append('\t');
        AppendText(line, record.Value);
        var size = Encoding.UTF8.GetByteCount(line.ToString());
        var written = Encoding.UTF8.GetBytes(line.ToString(), _buffer.GetSpan(size));
        _buffer.Advance(written);
    }

    private static void AppendText(StringBuilder line, byte[]? bytes)
    {
        if (bytes is null)
        {
            line.Append("(null)");
            return;
        }

        if (Utf8OrNull(bytes) is not { } text)
        {
            line.Append("base64:").Append(Convert.ToBase64String(bytes));
            return;
        }

        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => line.Append("\\\\"),
                '\t' => line.Append("\\t"),
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                _ => line.Append(c),
            };
        }
    }

    private void WriteJson(ConsumeResult<byte[]?, byte[]?> record)
    {
        var json = _json ??= new Utf8JsonWriter(_buffer, JsonOptions);
        json.Reset(_buffer);
        json.WriteStartObject();
        json.WriteString("topic", record.Topic);
        json.WriteNumber("partition", record.Partition);
        json.WriteNumber("offset", record.Offset);
        // -1 for a record without one (magic 0), as Kafka's own consumers say.
        json.WriteNumber("timestamp", record.TimestampType == TimestampType.NotAvailable ? -1 : record.Timestamp.ToUnixTimeMilliseconds());
        json.WriteString("timestamp_type", record.TimestampType switch
        {
            TimestampType.CreateTime => "create_time",
            TimestampType.LogAppendTime => "log_append_time",
            _ => "none",
        });
        json.WritePropertyName("key");
        WriteBytes(json, record.Key);
        json.WritePropertyName("value");
        WriteBytes(json, record.Value);
        json.WriteStartArray("headers");
        foreach (var header in record.Headers)
        {
            json.WriteStartObject();
            json.WriteString("key", header.Key);
            json.WritePropertyName("value");
            WriteBytes(json, header.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteBytes(Utf8JsonWriter json, byte[]? bytes)
    {
        if (bytes is null)
        {
            json.WriteNullValue();
        }
        else if (Utf8OrNull(bytes) is { } text)
        {
            json.WriteStringValue(text);
        }
        else
        {
            // Marked, so a value that happens to look like base64 text is never taken for encoded bytes.
            json.WriteStartObject();
            json.WriteBase64String("base64", bytes);
            json.WriteEndObject();
        }
    }
}
