using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RxKafka.Serialization;

/// <summary>
/// JSON through System.Text.Json, written with a <see cref="Utf8JsonWriter"/> straight into the output
/// and read from the bytes in place. A null value is a Kafka null, not the JSON literal <c>null</c>.
/// </summary>
internal sealed class JsonSerde<T> : ISerializer<T?>, IDeserializer<T?>
{
    // One writer per thread, reused while the same serde asks for it: Reset is cheaper than a new writer.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static JsonSerde<T>? t_writerOwner;

    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly JsonWriterOptions _writerOptions;

    public JsonSerde(JsonTypeInfo<T> typeInfo)
    {
        _typeInfo = typeInfo;
        var options = typeInfo.Options;
        _writerOptions = new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            MaxDepth = options.MaxDepth,
#if NET9_0_OR_GREATER
            IndentCharacter = options.IndentCharacter,
            IndentSize = options.IndentSize,
            NewLine = options.NewLine,
#endif
        };
    }

    /// <summary>The type information for <typeparamref name="T"/> from <paramref name="options"/> (reflection-based when it has no resolver).</summary>
    public static JsonTypeInfo<T> Resolve(JsonSerializerOptions? options)
    {
        options ??= JsonSerializerOptions.Default;
        if (options.TypeInfoResolver is null)
        {
            // What JsonSerializer.Serialize(value, options) does on first use: lock the options, reflection as resolver.
            options.MakeReadOnly(populateMissingResolver: true);
        }

        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    public bool IsNull(T? value) => value is null;

    public void Serialize(T? value, IBufferWriter<byte> output, in SerializationContext context)
    {
        if (value is null)
        {
            throw Checks.NullValue();
        }

        var writer = t_writer;
        if (writer is not null && ReferenceEquals(t_writerOwner, this))
        {
            t_writer = null; // taken: a converter that serializes again on this thread gets its own
            writer.Reset(output);
        }
        else
        {
            writer = new Utf8JsonWriter(output, _writerOptions);
        }

        try
        {
            JsonSerializer.Serialize<T>(writer, value, _typeInfo);
            writer.Flush();
        }
        // What System.Text.Json throws for a value it cannot write: a cycle, an unsupported type, a NaN, bad UTF-16 in a converter.
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new SerializationException(context, $"cannot serialize {typeof(T).Name} as JSON: {e.Message}", e);
        }
        finally
        {
            writer.Reset(Detached.Instance); // let go of the output (Reset(Stream.Null) would allocate)
            t_writer = writer;
            t_writerOwner = this;
        }
    }

    public T? Deserialize(ReadOnlySpan<byte> data, bool isNull, in SerializationContext context)
    {
        if (isNull)
        {
            // A type with a null reads a Kafka null as null; one without (Json<int>) refuses, as Deserializers.Int32 does.
            return default(T) is null ? default : throw SerializationException.UnexpectedNull(context, typeof(T).Name);
        }

        try
        {
            return JsonSerializer.Deserialize(data, _typeInfo);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new SerializationException(context, $"cannot deserialize {typeof(T).Name} from {data.Length} bytes of JSON: {e.Message}", e);
        }
    }

    /// <summary>Where a writer points between records: never written to, it only lets go of the last output.</summary>
    private sealed class Detached : IBufferWriter<byte>
    {
        public static readonly Detached Instance = new();

        public void Advance(int count) => throw Unused();

        public Memory<byte> GetMemory(int sizeHint = 0) => throw Unused();

        public Span<byte> GetSpan(int sizeHint = 0) => throw Unused();

        private static InvalidOperationException Unused() => new("A cached JSON writer was used without Reset.");
    }
}
