using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>
/// One record as some client wrote or read it: where it is, key, value, headers (in order,
/// duplicates kept) and timestamp. Null key, null value and null header values stay null, distinct
/// from empty. Compared through <see cref="ToString"/>, a canonical text that shows a difference
/// readably in an assertion message.
/// </summary>
internal sealed record PeerRecord(int Partition, long Offset, byte[]? Key, byte[]? Value, IReadOnlyList<PeerHeader> Headers, long Timestamp)
{
    /// <summary>The same record without its position (for comparing what was sent with what was read).</summary>
    public string Content => $"key={Show(Key)} value={Show(Value)} headers=[{string.Join(", ", Headers)}] ts={Timestamp.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => $"p{Partition}@{Offset} {Content}";

    public static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    /// <summary>Text as JSON would quote it when it is valid UTF-8, else hex; "null" for null.</summary>
    public static string Show(byte[]? bytes)
    {
        if (bytes is null)
        {
            return "null";
        }

        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return JsonSerializer.Serialize(text);
        }
        catch (DecoderFallbackException)
        {
            return "0x" + Convert.ToHexString(bytes);
        }
    }
}

/// <summary>A record header; a null value is distinct from an empty one.</summary>
internal sealed record PeerHeader(string Key, byte[]? Value)
{
    public static PeerHeader Of(string key, string? value) => new(key, PeerRecord.Utf8(value));

    public override string ToString() => $"{JsonSerializer.Serialize(Key)}={PeerRecord.Show(Value)}";
}
