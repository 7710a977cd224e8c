namespace RxKafka.Serialization;

/// <summary>
/// One record header: a string key and a nullable byte value, as Kafka stores them (the key as UTF-8,
/// a null value as length -1). The same shape as <c>RxKafka.Protocol.Records.RecordHeader</c>, the
/// header read from or written to a record batch; this one is the application's side, in <see cref="Headers"/>.
/// </summary>
public readonly struct Header
{
    /// <summary>Creates a header; a null <paramref name="value"/> is a null header value, not an empty one.</summary>
    /// <param name="key">The header's key; keys may repeat within a record.</param>
    /// <param name="value">The header's value, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public Header(string key, byte[]? value)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        Value = value;
    }

    /// <summary>The key (never null, except in <c>default(Header)</c>).</summary>
    public string Key { get; }

    /// <summary>The value; <see langword="null"/> is a null header value (length -1 on the wire).</summary>
    public byte[]? Value { get; }

    /// <summary>Whether the value is null, as opposed to empty.</summary>
    public bool IsValueNull => Value is null;

    /// <inheritdoc />
    public override string ToString() => Value is null ? $"{Key}=null" : $"{Key}=[{Value.Length} bytes]";
}
