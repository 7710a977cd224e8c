using System.Buffers;
using System.Buffers.Binary;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>A record's headers: ordered, duplicates kept, last one wins, and open to serializers through the context.</summary>
public sealed class HeadersTests
{
    [Fact]
    public void Headers_keep_order_and_duplicates_and_the_last_one_wins()
    {
        var headers = new Headers { { "trace", [1] }, { "type", "a"u8.ToArray() }, { "trace", null } };

        Assert.Equal(["trace", "type", "trace"], headers.Select(h => h.Key));
        Assert.True(headers.TryGetLast("trace", out var last));
        Assert.True(last.IsValueNull);
        Assert.True(headers.TryGetLast("type", out var type));
        Assert.Equal("a"u8.ToArray(), type.Value);
        Assert.False(headers.TryGetLast("Trace", out _)); // keys are compared ordinally, as bytes on the wire are
        Assert.Equal("[trace=[1 bytes], type=[1 bytes], trace=null]", headers.ToString());
    }

    [Fact]
    public void Remove_takes_every_header_with_the_key_and_Clear_takes_all()
    {
        var headers = new Headers { { "a", [1] }, { "b", [2] }, { "a", [3] }, { "c", [] } };

        Assert.Equal(2, headers.Remove("a"));
        Assert.Equal(0, headers.Remove("a"));
        Assert.Equal(["b", "c"], headers.Select(h => h.Key));
        Assert.Equal([2], headers[0].Value);
        Assert.False(headers[1].IsValueNull); // empty is not null

        headers.Clear();
        Assert.Empty(headers);
    }

    [Fact]
    public void A_header_needs_a_key()
    {
        Assert.Throws<ArgumentNullException>(() => new Headers().Add(null!, [1]));
        Assert.Throws<ArgumentException>(() => new Headers().Add(default(Header)));
        Assert.Throws<ArgumentNullException>(() => new SerializationContext(Topic, MessageComponentType.Key, null!));
        Assert.Throws<ArgumentNullException>(() => new SerializationContext(null!, MessageComponentType.Key, new Headers()));
    }

    [Fact]
    public void A_serializer_adds_headers_to_the_record_through_its_context()
    {
        var headers = new Headers { { "trace", [7] } };
        var serializer = new SchemaIdSerializer(schemaId: 42);

        var key = Write(serializer, "k", new ArrayBufferWriter<byte>(), Context(MessageComponentType.Key, headers));
        var value = Write(serializer, "v", new ArrayBufferWriter<byte>(), Context(MessageComponentType.Value, headers));

        Assert.Equal("k"u8.ToArray(), key);
        Assert.Equal("v"u8.ToArray(), value);
        Assert.Equal(["trace", "key.schema.id", "value.schema.id"], headers.Select(h => h.Key));
        Assert.True(headers.TryGetLast("value.schema.id", out var id));
        Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(id.Value));
        Assert.Equal("value of a record in topic 'orders'", Context(MessageComponentType.Value, headers).ToString());
    }

    /// <summary>Writes UTF-8 and records which schema it used in a header, as a schema-registry serializer may.</summary>
    private sealed class SchemaIdSerializer(int schemaId) : ISerializer<string>
    {
        public void Serialize(string value, IBufferWriter<byte> output, in SerializationContext context)
        {
            var id = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(id, schemaId);
            context.Headers.Add(context.Component == MessageComponentType.Key ? "key.schema.id" : "value.schema.id", id);
            Serializers.Utf8.Serialize(value, output, context);
        }
    }
}
