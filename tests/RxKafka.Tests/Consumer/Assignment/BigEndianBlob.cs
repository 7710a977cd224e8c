using System.Buffers.Binary;
using System.Text;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>Writes consumer protocol blobs by hand, field by field, as Kafka's schemas lay them out (never flexible).</summary>
internal sealed class BigEndianBlob
{
    private readonly List<byte> _bytes = [];

    public BigEndianBlob Int16(short value) => Put(2, b => BinaryPrimitives.WriteInt16BigEndian(b, value));

    public BigEndianBlob Int32(int value) => Put(4, b => BinaryPrimitives.WriteInt32BigEndian(b, value));

    public BigEndianBlob String(string? value)
    {
        if (value is null)
        {
            return Int16(-1);
        }

        var utf8 = Encoding.UTF8.GetBytes(value);
        Int16((short)utf8.Length);
        _bytes.AddRange(utf8);
        return this;
    }

    public BigEndianBlob Bytes(byte[]? value)
    {
        if (value is null)
        {
            return Int32(-1);
        }

        Int32(value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public BigEndianBlob Strings(params string[] values)
    {
        Int32(values.Length);
        foreach (var v in values)
        {
            String(v);
        }

        return this;
    }

    // [topic [partition]]
    public BigEndianBlob TopicPartitions(params (string Topic, int[] Partitions)[] topics)
    {
        Int32(topics.Length);
        foreach (var (topic, partitions) in topics)
        {
            String(topic);
            Int32(partitions.Length);
            foreach (var p in partitions)
            {
                Int32(p);
            }
        }

        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private BigEndianBlob Put(int size, Action<Span<byte>> write)
    {
        var buffer = new byte[size];
        write(buffer);
        _bytes.AddRange(buffer);
        return this;
    }
}
