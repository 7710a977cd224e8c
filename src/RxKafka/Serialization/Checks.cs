namespace RxKafka.Serialization;

/// <summary>The checks the built-in serializers and deserializers share.</summary>
internal static class Checks
{
    /// <summary>Returns <paramref name="data"/> when it is not null and holds exactly <paramref name="length"/> bytes; throws naming the record otherwise.</summary>
    public static ReadOnlySpan<byte> ExactLength(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context, int length, string format)
    {
        if (isNull)
        {
            throw SerializationException.UnexpectedNull(context, format);
        }

        if (data.Length != length)
        {
            throw SerializationException.WrongLength(context, format, length, data.Length);
        }

        return data;
    }

    /// <summary>
    /// For a null handed to <c>Serialize</c>: written, it would become empty bytes, the very mistake
    /// <see cref="ISerializer{T}.IsNull(T)"/> exists to prevent.
    /// </summary>
    public static ArgumentNullException NullValue() =>
        new("value", "A null is written as a Kafka null: ask IsNull before Serialize.");
}
