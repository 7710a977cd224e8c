namespace RxKafka.Protocol;

/// <summary>
/// The compression codec of a record batch. The values are Kafka's own: bits 0-2 of the
/// record batch attributes (and of a legacy message's attributes).
/// </summary>
public enum CompressionType : byte
{
    /// <summary>No compression.</summary>
    None = 0,

    /// <summary>gzip (RFC 1952), as written by Java's <c>GZIPOutputStream</c>.</summary>
    Gzip = 1,

    /// <summary>Snappy, in the xerial (snappy-java) stream framing Kafka's Java client writes.</summary>
    Snappy = 2,

    /// <summary>LZ4, in the LZ4 frame format (magic 0x184D2204) with 64 KiB independent blocks.</summary>
    Lz4 = 3,

    /// <summary>Zstandard (Kafka 2.1 and later).</summary>
    Zstd = 4,
}
