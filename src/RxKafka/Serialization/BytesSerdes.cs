using System.Buffers;

namespace RxKafka.Serialization;

/// <summary>A byte array as is; a null array is a Kafka null (Java's ByteArraySerializer).</summary>
internal sealed class ByteArraySerde : ISerializer<byte[]?>, IDeserializer<byte[]?>
{
    public bool IsNull(byte[]? value) => value is null;

    public void Serialize(byte[]? value, IBufferWriter<byte> output, in SerializationContext context) =>
        output.Write(value ?? throw Checks.NullValue());

    public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        isNull ? null : data.ToArray();
}

/// <summary>Memory as is. It cannot be null: empty memory is an empty value (length 0), never a Kafka null.</summary>
internal sealed class ReadOnlyMemorySerde : ISerializer<ReadOnlyMemory<byte>>, IDeserializer<ReadOnlyMemory<byte>>
{
    public bool IsNull(ReadOnlyMemory<byte> value) => false;

    public void Serialize(ReadOnlyMemory<byte> value, IBufferWriter<byte> output, in SerializationContext context) =>
        output.Write(value.Span);

    // A copy: the data is a view of the fetched batch, which is reused once the call returns.
    public ReadOnlyMemory<byte> Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) =>
        isNull ? throw SerializationException.UnexpectedNull(context, "ReadOnlyMemory<byte>") : data.ToArray();
}
