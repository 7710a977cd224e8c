using System.Buffers;

namespace RxKafka.Serialization;

/// <summary>A value type or nothing: an empty <see cref="Nullable{T}"/> is a Kafka null, anything else goes to the inner serializer.</summary>
internal sealed class NullableSerializer<T>(ISerializer<T> inner) : ISerializer<T?>
    where T : struct
{
    public bool IsNull(T? value) => value is not { } present || inner.IsNull(present);

    public void Serialize(T? value, IBufferWriter<byte> output, in SerializationContext context) =>
        inner.Serialize(value ?? throw Checks.NullValue(), output, context);
}

/// <summary>A Kafka null as an empty <see cref="Nullable{T}"/>; anything else through the inner deserializer.</summary>
internal sealed class NullableDeserializer<T>(IDeserializer<T> inner) : IDeserializer<T?>
    where T : struct
{
    public T? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        isNull ? null : inner.Deserialize(data, isNull: false, context);
}
