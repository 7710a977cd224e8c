using System.Text;
using System.Text.Json;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>
/// Bytes a deserializer cannot read, and values the JSON serializer cannot write, raise a
/// <see cref="SerializationException"/> that names the topic, the key or value, and what was wrong
/// (for a wrong length, the expected and actual lengths).
/// </summary>
public sealed class SerializationErrorTests
{
    public static TheoryData<string, Func<byte[], SerializationContext, object?>, int> FixedWidths => new()
    {
        { "Int16", (b, c) => Deserializers.Int16.Deserialize(b, false, c), 2 },
        { "Int32", (b, c) => Deserializers.Int32.Deserialize(b, false, c), 4 },
        { "Int64", (b, c) => Deserializers.Int64.Deserialize(b, false, c), 8 },
        { "Single", (b, c) => Deserializers.Single.Deserialize(b, false, c), 4 },
        { "Double", (b, c) => Deserializers.Double.Deserialize(b, false, c), 8 },
        { "Guid", (b, c) => Deserializers.Guid.Deserialize(b, false, c), 36 },
    };

    [Fact]
    public void An_int32_of_3_bytes_names_topic_component_and_both_lengths()
    {
        var error = Assert.Throws<SerializationException>(() => Read(Deserializers.Int32, [0, 0, 1], MessageComponentType.Key));

        Assert.Equal(Topic, error.Topic);
        Assert.Equal(MessageComponentType.Key, error.Component);
        Assert.Equal("Key of a record in topic 'orders': cannot deserialize an Int32 from 3 bytes: it takes exactly 4. Was it written with another serializer?", error.Message);
        Assert.False(error.IsRetriable);
        Assert.IsAssignableFrom<KafkaException>(error);
    }

    [Theory]
    [MemberData(nameof(FixedWidths))]
    public void Every_fixed_width_format_refuses_a_length_one_short_and_one_long(string format, Func<byte[], SerializationContext, object?> read, int length)
    {
        foreach (var actual in new[] { 0, length - 1, length + 1 })
        {
            var error = Assert.Throws<SerializationException>(() => read(new byte[actual], Context(MessageComponentType.Value)));

            Assert.Equal(MessageComponentType.Value, error.Component);
            Assert.StartsWith("Value of a record in topic 'orders': ", error.Message, StringComparison.Ordinal);
            Assert.Contains($" {format}", error.Message, StringComparison.Ordinal);
            Assert.Contains($"from {actual} bytes: it takes exactly {length}.", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_Kafka_null_for_a_type_without_null_is_an_error_that_points_to_Nullable()
    {
        foreach (var read in new Action[]
        {
            () => Read(Deserializers.Int16, null),
            () => Read(Deserializers.Int32, null),
            () => Read(Deserializers.Int64, null),
            () => Read(Deserializers.Single, null),
            () => Read(Deserializers.Double, null),
            () => Read(Deserializers.Guid, null),
            () => Read(Deserializers.ReadOnlyMemory, null),
        })
        {
            var error = Assert.Throws<SerializationException>(read);
            Assert.Contains("null", error.Message, StringComparison.Ordinal);
            Assert.Contains("Deserializers.Nullable", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Thirty_six_bytes_that_are_not_a_uuid_string_are_an_error()
    {
        var error = Assert.Throws<SerializationException>(() => Read(Deserializers.Guid, Encoding.ASCII.GetBytes(new string('x', 36)), MessageComponentType.Key));

        Assert.Equal(MessageComponentType.Key, error.Component);
        Assert.Contains("not a UUID string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_is_an_error_naming_the_record_with_the_json_error_inside()
    {
        var error = Assert.Throws<SerializationException>(() => Read(Deserializers.Json<Order>(), "{\"Id\": "u8.ToArray()));

        Assert.StartsWith("Value of a record in topic 'orders': cannot deserialize Order from 7 bytes of JSON", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);

        byte[] invalidUtf8 = [.. "{\"Id\":\""u8, 0xFF, .. "\",\"Quantity\":1,\"PlacedAt\":2}"u8];
        Assert.Throws<SerializationException>(() => Read(Deserializers.Json<Order>(), invalidUtf8));
        Assert.Throws<SerializationException>(() => Read(Deserializers.Json<Order>(), "[]"u8.ToArray()));
        Assert.Throws<SerializationException>(() => Read(Deserializers.Json<int>(), "null"u8.ToArray()));
    }

    [Fact]
    public void Json_that_cannot_be_written_is_an_error_naming_the_record()
    {
        var cycle = new Node();
        cycle.Next = cycle;

        var cyclic = Assert.Throws<SerializationException>(() => Write(Serializers.Json<Node>(), cycle, MessageComponentType.Key));
        var notANumber = Assert.Throws<SerializationException>(() => Write(Serializers.Json<double>(), double.NaN));

        Assert.StartsWith("Key of a record in topic 'orders': cannot serialize Node as JSON", cyclic.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(cyclic.InnerException);
        Assert.StartsWith("Value of a record in topic 'orders': cannot serialize Double as JSON", notANumber.Message, StringComparison.Ordinal);
    }

    public sealed class Node
    {
        public Node? Next { get; set; }
    }
}
