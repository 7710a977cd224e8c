using System.Buffers;
using RxKafka.Serialization;

namespace RxKafka.Tests.Serialization;

/// <summary>Runs serializers and deserializers the way the producer and consumer will: IsNull first, then the bytes.</summary>
internal static class Serde
{
    public const string Topic = "orders";

    public static SerializationContext Context(MessageComponentType component = MessageComponentType.Value, Headers? headers = null) =>
        new(Topic, component, headers ?? new Headers());

    /// <summary>The bytes a record would hold, or null for a Kafka null.</summary>
    public static byte[]? Write<T>(ISerializer<T> serializer, T value, MessageComponentType component = MessageComponentType.Value) =>
        Write(serializer, value, new ArrayBufferWriter<byte>(), Context(component));

    public static byte[]? Write<T>(ISerializer<T> serializer, T value, IBufferWriter<byte> output, in SerializationContext context)
    {
        if (serializer.IsNull(value))
        {
            return null;
        }

        var start = output is ArrayBufferWriter<byte> array ? array.WrittenCount : 0;
        serializer.Serialize(value, output, context);
        return output switch
        {
            ArrayBufferWriter<byte> a => a.WrittenSpan[start..].ToArray(),
            SmallChunkBufferWriter c => c.Written,
            _ => throw new NotSupportedException(output.GetType().Name),
        };
    }

    /// <summary>The hex a record would hold, or null for a Kafka null.</summary>
    public static string? Hex<T>(ISerializer<T> serializer, T value) =>
        Write(serializer, value) is { } bytes ? Convert.ToHexString(bytes) : null;

    /// <summary>Reads a record's bytes; null is a Kafka null.</summary>
    public static T Read<T>(IDeserializer<T> deserializer, byte[]? bytes, MessageComponentType component = MessageComponentType.Value) =>
        deserializer.Deserialize(bytes, bytes is null, Context(component));

    public static T RoundTrip<T>(ISerializer<T> serializer, IDeserializer<T> deserializer, T value) =>
        Read(deserializer, Write(serializer, value));
}

/// <summary>A buffer writer that never offers more room than asked for (one byte when asked for none), as a nearly full pooled buffer would.</summary>
internal sealed class SmallChunkBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _chunk = [];

    public byte[] Written => [.. _written];

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        _chunk = new byte[Math.Max(sizeHint, 1)];
        return _chunk;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count)
    {
        Assert.InRange(count, 0, _chunk.Length);
        _written.AddRange(_chunk.AsSpan(0, count));
        _chunk = [];
    }
}
