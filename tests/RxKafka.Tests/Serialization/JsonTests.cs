using System.Buffers;
using System.Text;
using System.Text.Json;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>JSON through System.Text.Json: options apply, source-generated contexts work, nulls stay Kafka nulls (I1).</summary>
public sealed class JsonTests
{
    private static readonly Order Order = new("o-1", 3, 1_700_000_000_000, "gift wrap, é");

    [Fact]
    public void Default_options_write_compact_json_with_the_property_names_as_declared()
        => Assert.Equal(
            """{"Id":"o-1","Quantity":3,"PlacedAt":1700000000000,"Note":"gift wrap, \u00E9"}""",
            Text(Serializers.Json<Order>(), Order));

    [Fact]
    public void Options_set_naming_indentation_and_encoder()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        var text = Text(Serializers.Json<Order>(options), Order);

        Assert.Equal(
            "{\n  \"id\": \"o-1\",\n  \"quantity\": 3,\n  \"placedAt\": 1700000000000,\n  \"note\": \"gift wrap, é\"\n}",
            text.ReplaceLineEndings("\n"));
        Assert.Equal(Order, Read(Deserializers.Json<Order>(options), Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void A_source_generated_context_supplies_the_metadata_and_its_options()
    {
        var serializer = Serializers.Json(OrderJsonContext.Default.Order);

        var text = Text(serializer, Order with { Note = null });

        Assert.Equal("""{"id":"o-1","quantity":3,"placed_at":1700000000000,"note":null}""", text);
        Assert.Equal(Order with { Note = null }, Read(Deserializers.Json(OrderJsonContext.Default.Order), Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void A_null_is_a_Kafka_null_and_the_json_literal_null_reads_as_null_too()
    {
        Assert.Null(Write(Serializers.Json(OrderJsonContext.Default.Order), null));
        Assert.Null(Read(Deserializers.Json(OrderJsonContext.Default.Order), null));
        Assert.Null(Read(Deserializers.Json<Order>(), "null"u8.ToArray()));
        Assert.Null(Read(Deserializers.Json<int?>(), null));
        Assert.Null(Write(Serializers.Json<int?>(), null));
        Assert.Throws<SerializationException>(() => Read(Deserializers.Json<int>(), null)); // int has no null to give
    }

    [Fact]
    public void Values_of_value_types_and_collections_work_too()
    {
        Assert.Equal("42", Text(Serializers.Json<int>(), 42));
        Assert.Equal(42, Read(Deserializers.Json<int>(), "42"u8.ToArray()));
        Assert.Equal("""["a","b"]""", Text(Serializers.Json<string[]>(), ["a", "b"]));
    }

    [Fact]
    public void Serializers_with_different_options_on_one_thread_each_keep_their_own()
    {
        var camel = Serializers.Json<Order>(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        var indented = Serializers.Json<Order>(new JsonSerializerOptions { WriteIndented = true });

        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("""{"id":""", Text(camel, Order), StringComparison.Ordinal);
            Assert.Contains('\n', Text(indented, Order));
        }
    }

    [Fact]
    public void Json_is_appended_after_what_the_buffer_already_holds_and_written_in_small_pieces_alike()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("prefix"u8);
        Serializers.Json<Order>().Serialize(Order, output, Context());

        var chunked = Write(Serializers.Json<Order>(), Order, new SmallChunkBufferWriter(), Context());

        Assert.Equal("prefix" + Text(Serializers.Json<Order>(), Order), Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(Write(Serializers.Json<Order>(), Order), chunked);
    }

    private static string Text<T>(ISerializer<T> serializer, T value) => Encoding.UTF8.GetString(Write(serializer, value)!);
}
