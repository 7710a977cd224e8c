using System.Buffers;

namespace RxKafka.Serialization;

/// <summary>Writes every <see cref="Ignore"/> as a Kafka null; reads anything, null or not, as <see cref="Ignore"/>.</summary>
internal sealed class IgnoreSerde : ISerializer<Ignore>, IDeserializer<Ignore>
{
    public bool IsNull(Ignore value) => true;

    public void Serialize(Ignore value, IBufferWriter<byte> output, in SerializationContext context)
    {
        // Nothing: IsNull is always true, so the producer writes a Kafka null and never calls this.
    }

    public Ignore Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context) => default;
}
