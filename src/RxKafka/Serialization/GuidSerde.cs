using System.Buffers;
using System.Buffers.Text;

namespace RxKafka.Serialization;

/// <summary>
/// A Guid as its 36-character string form in UTF-8, lower-case hex with hyphens
/// (<c>00112233-4455-6677-8899-aabbccddeeff</c>): what Java's UUIDSerializer writes (<c>UUID.toString()</c>
/// in UTF-8). Reading accepts upper-case hex too, as Java's <c>UUID.fromString</c> does.
/// </summary>
internal sealed class GuidSerde : ISerializer<Guid>, IDeserializer<Guid>
{
    private const int Length = 36;

    public bool IsNull(Guid value) => false;

    public void Serialize(Guid value, IBufferWriter<byte> output, in SerializationContext context)
    {
        Utf8Formatter.TryFormat(value, output.GetSpan(Length), out var written, new StandardFormat('D'));
        output.Advance(written);
    }

    public Guid Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
    {
        Checks.ExactLength(data, isNull, context, Length, "a Guid (its UUID string form)");
        if (!Utf8Parser.TryParse(data, out Guid value, out var consumed, 'D') || consumed != Length)
        {
            throw new SerializationException(context, "cannot deserialize a Guid: the 36 bytes are not a UUID string like 00112233-4455-6677-8899-aabbccddeeff.");
        }

        return value;
    }
}
