using System.Collections;

namespace RxKafka.Serialization;

/// <summary>
/// The headers of one record: an ordered list of (key, value) pairs in which a key may appear more
/// than once, as in Kafka. Mutable, so that a serializer can add to it (a schema id, a content type)
/// through <see cref="SerializationContext.Headers"/>. Not thread-safe: it belongs to one record.
/// </summary>
/// <remarks>
/// Where a key appears several times, Kafka's convention is that the last one wins:
/// <see cref="TryGetLast(string, out Header)"/> finds it. Iterating with <c>foreach</c> allocates nothing.
/// </remarks>
public sealed class Headers : IReadOnlyList<Header>
{
    private readonly List<Header> _headers = [];

    /// <summary>The number of headers, duplicates included.</summary>
    public int Count => _headers.Count;

    /// <summary>The header at <paramref name="index"/>, in the order they were added.</summary>
    public Header this[int index] => _headers[index];

    /// <summary>Appends a header, keeping any with the same key.</summary>
    /// <param name="key">The header's key.</param>
    /// <param name="value">The header's value; <see langword="null"/> is a null value, not an empty one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public void Add(string key, byte[]? value) => _headers.Add(new Header(key, value));

    /// <summary>Appends a header, keeping any with the same key.</summary>
    /// <exception cref="ArgumentException"><paramref name="header"/> is <c>default(Header)</c>, which has no key.</exception>
    public void Add(Header header)
    {
        if (header.Key is null)
        {
            throw new ArgumentException("A header needs a key; default(Header) has none.", nameof(header));
        }

        _headers.Add(header);
    }

    /// <summary>Finds the last header with <paramref name="key"/> (Kafka's "last header wins").</summary>
    /// <returns>Whether a header with that key exists.</returns>
    public bool TryGetLast(string key, out Header header)
    {
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_headers[i].Key, key, StringComparison.Ordinal))
            {
                header = _headers[i];
                return true;
            }
        }

        header = default;
        return false;
    }

    /// <summary>Removes every header with <paramref name="key"/>.</summary>
    /// <returns>How many headers were removed.</returns>
    public int Remove(string key)
    {
        var kept = 0;
        for (var i = 0; i < _headers.Count; i++)
        {
            if (!string.Equals(_headers[i].Key, key, StringComparison.Ordinal))
            {
                _headers[kept++] = _headers[i];
            }
        }

        var removed = _headers.Count - kept;
        _headers.RemoveRange(kept, removed);
        return removed;
    }

    /// <summary>Removes every header, keeping the capacity (so one instance can serve record after record).</summary>
    public void Clear() => _headers.Clear();

    /// <summary>Returns an allocation-free enumerator over the headers, in order.</summary>
    public List<Header>.Enumerator GetEnumerator() => _headers.GetEnumerator();

    IEnumerator<Header> IEnumerable<Header>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", _headers)}]";
}
