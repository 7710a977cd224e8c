using System.Text;

namespace RxKafka.Protocol.Records;

/// <summary>
/// One record header: a UTF-8 key and a nullable byte value. Headers read from a batch are
/// slices of the batch's memory (the key is decoded to a string only when <see cref="Key"/> is
/// read); headers built for a <see cref="RecordBatchBuilder"/> hold a string key.
/// </summary>
public readonly struct RecordHeader
{
    private readonly string? _key;
    private readonly ReadOnlyMemory<byte> _keyUtf8;
    private readonly ReadOnlyMemory<byte> _value;
    private readonly bool _isValueNull;

    /// <summary>Creates a header with a non-null value.</summary>
    public RecordHeader(string key, ReadOnlyMemory<byte> value)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _value = value;
    }

    /// <summary>Creates a header; a null <paramref name="value"/> is a null header value.</summary>
    public RecordHeader(string key, byte[]? value)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _value = value;
        _isValueNull = value is null;
    }

    internal RecordHeader(ReadOnlyMemory<byte> keyUtf8, ReadOnlyMemory<byte> value, bool isValueNull)
    {
        _keyUtf8 = keyUtf8;
        _value = value;
        _isValueNull = isValueNull;
    }

    /// <summary>The key, decoded from UTF-8 on each call when the header was read from a batch.</summary>
    public string Key => _key ?? Encoding.UTF8.GetString(_keyUtf8.Span);

    /// <summary>The key as UTF-8 bytes (encoded on each call when the header was created from a string).</summary>
    public ReadOnlyMemory<byte> KeyUtf8 => _key is null ? _keyUtf8 : Encoding.UTF8.GetBytes(_key);

    /// <summary>The value; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Whether the value is null (length -1 on the wire), as opposed to empty.</summary>
    public bool IsValueNull => _isValueNull;

    /// <summary>Whether the key equals <paramref name="key"/>, without allocating.</summary>
    public bool KeyEquals(string key)
    {
        if (_key is not null)
        {
            return string.Equals(_key, key, StringComparison.Ordinal);
        }

        var span = _keyUtf8.Span;
        if (Encoding.UTF8.GetMaxByteCount(key.Length) <= 256)
        {
            Span<byte> encoded = stackalloc byte[256];
            var n = Encoding.UTF8.GetBytes(key, encoded);
            return span.SequenceEqual(encoded[..n]);
        }

        return span.SequenceEqual(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>The number of UTF-8 bytes of the key.</summary>
    internal int KeyByteCount => _key is null ? _keyUtf8.Length : Encoding.UTF8.GetByteCount(_key);

    /// <summary>Writes the key's UTF-8 bytes; the destination holds <see cref="KeyByteCount"/> bytes.</summary>
    internal int WriteKey(Span<byte> destination)
    {
        if (_key is null)
        {
            _keyUtf8.Span.CopyTo(destination);
            return _keyUtf8.Length;
        }

        return Encoding.UTF8.GetBytes(_key, destination);
    }

    /// <inheritdoc />
    public override string ToString() => IsValueNull ? $"{Key}=null" : $"{Key}=[{_value.Length} bytes]";
}
