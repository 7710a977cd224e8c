using System.Buffers;
using System.Text;

namespace RxKafka.Serialization;

/// <summary>
/// A string as UTF-8 without a byte-order mark, encoded straight into the output; a null string is a
/// Kafka null (Java's StringSerializer). As in Java, a lone surrogate is written as <c>?</c>; reading
/// turns invalid UTF-8 into U+FFFD, as Java's <c>new String(bytes, UTF_8)</c> does.
/// </summary>
internal sealed class Utf8Serde : ISerializer<string?>, IDeserializer<string?>
{
    private static readonly Encoding Encoder = CreateEncoder();

    public bool IsNull(string? value) => value is null;

    public void Serialize(string? value, IBufferWriter<byte> output, in SerializationContext context)
    {
        var chars = (value ?? throw Checks.NullValue()).AsSpan();

        // Encode into the room the writer already has when it surely suffices (3 bytes per UTF-16 unit
        // at most); count exactly only otherwise, so short strings take one pass and long ones no slack.
        var span = output.GetSpan();
        if (span.Length < (chars.Length + 1L) * 3)
        {
            span = output.GetSpan(Encoder.GetByteCount(chars));
        }

        output.Advance(Encoder.GetBytes(chars, span));
    }

    public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        isNull ? null : Encoding.UTF8.GetString(data);

    private static Encoding CreateEncoder()
    {
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        encoding.EncoderFallback = new EncoderReplacementFallback("?");
        return encoding;
    }
}
