namespace RxKafka.IntegrationTests.Producer.Peers;

/// <summary>What the interop tests have peers write, in both directions' tests: keys, null keys and values, headers, timestamps, and a value that compresses.</summary>
internal static class PeerInputs
{
    /// <summary>A value every codec shrinks (librdkafka and kafka-python send a batch uncompressed when compression would not shrink it).</summary>
    public static string Big { get; } = string.Concat(Enumerable.Repeat("compressible ", 400));

    /// <summary>kcat -K: -Z lines, "key:value": an empty key or value is sent as null.</summary>
    public static string[] KcatLines =>
    [
        "order-1:{\"qty\":1,\"sku\":\"A-1\"}",
        ":unkeyed ✓",
        "order-1:",
        "ключ-🦀:tab\t quote\" backslash\\ control\u0001 end",
        "big:" + Big,
        "colons:a:b:c",
    ];

    /// <summary>The headers kcat puts on every record (-H; a null value, duplicates).</summary>
    public static PeerHeader[] KcatHeaders => [PeerHeader.Of("trace-id", "abc123"), PeerHeader.Of("null-header", null), PeerHeader.Of("dup", "1"), PeerHeader.Of("dup", "2")];

    /// <summary>
    /// Records for kafka-python, in partitions 0 and 2, around <paramref name="t0"/>. kafka-python refuses a null
    /// header value and a record with neither key nor value; everything else is here.
    /// </summary>
    public static PeerRecord[] KafkaPythonRecords(long t0) =>
    [
        new(0, -1, PeerRecord.Utf8("order-1"), PeerRecord.Utf8("{\"qty\":1}"), [PeerHeader.Of("trace-id", "abc123"), PeerHeader.Of("empty", "")], t0),
        new(0, -1, null, PeerRecord.Utf8("unkeyed ✓"), [PeerHeader.Of("h", "é")], t0 + 1),
        new(0, -1, PeerRecord.Utf8("order-1"), null, [], t0 + 2),
        new(0, -1, [0x00, 0xff, 0x80], [0xde, 0xad, 0xbe, 0xef, 0x00], [new PeerHeader("binary", [0xff, 0x00])], t0 - 5000),
        new(0, -1, PeerRecord.Utf8(""), PeerRecord.Utf8(Big), [PeerHeader.Of("dup", "1"), PeerHeader.Of("dup", "2")], t0 + 3),
        new(2, -1, PeerRecord.Utf8("ключ-🦀"), PeerRecord.Utf8(Big), [], t0 + 1000),
        new(2, -1, PeerRecord.Utf8("k"), PeerRecord.Utf8(""), [], t0 + 4),
    ];
}
