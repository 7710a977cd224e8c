using System.Text;
using RxKafka.Serialization;

namespace RxKafka.Tests.Consumer;

/// <summary>A UTF-8 deserializer that throws a <see cref="FormatException"/> on one value, <paramref name="poison"/>.</summary>
internal sealed class FailingDeserializer(string poison) : IDeserializer<string?>
{
    public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
    {
        var value = isNull ? null : Encoding.UTF8.GetString(data);
        return value == poison ? throw new FormatException($"'{value}' is not welcome") : value;
    }
}
