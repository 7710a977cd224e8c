namespace RxKafka.MessageGen;

/// <summary>An inclusive range of versions; <see cref="None"/> is empty, an open range ends at <see cref="short.MaxValue"/>.</summary>
public readonly record struct VersionRange(short Low, short High)
{
    public static readonly VersionRange None = new(1, 0);

    public bool IsEmpty => Low > High;

    public bool IsOpenEnded => High == short.MaxValue;

    public bool Contains(short version) => version >= Low && version <= High;

    public VersionRange Intersect(VersionRange other)
    {
        var r = new VersionRange(Math.Max(Low, other.Low), Math.Min(High, other.High));
        return r.IsEmpty ? None : r;
    }

    /// <summary>Parses "none", "N", "N+" or "A-B".</summary>
    public static VersionRange Parse(string text)
    {
        text = text.Trim();
        if (text == "none")
        {
            return None;
        }

        if (text.EndsWith('+'))
        {
            return new VersionRange(short.Parse(text[..^1]), short.MaxValue);
        }

        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            return new VersionRange(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
        }

        var v = short.Parse(text);
        return new VersionRange(v, v);
    }

    public override string ToString() => IsEmpty ? "none" : IsOpenEnded ? $"{Low}+" : Low == High ? $"{Low}" : $"{Low}-{High}";
}

/// <summary>The kind of a definition: a request, a response, a header or a data structure.</summary>
public enum DefinitionKind
{
    Request,
    Response,
    Header,
    Data,
}

/// <summary>One field of a message or struct.</summary>
public sealed class FieldDefinition
{
    public required string Name { get; init; }

    /// <summary>The type as written: int32, string, []Topic, []int32, SomeStruct, records, ...</summary>
    public required string Type { get; init; }

    public required VersionRange Versions { get; init; }

    public VersionRange NullableVersions { get; init; } = VersionRange.None;

    public VersionRange TaggedVersions { get; init; } = VersionRange.None;

    public int? Tag { get; init; }

    /// <summary>A field-level override of the flexible versions (only "none" occurs).</summary>
    public VersionRange? FlexibleVersions { get; init; }

    public bool Ignorable { get; init; }

    public string? Default { get; init; }

    /// <summary>Fields of an inline struct (for struct and struct-array types).</summary>
    public List<FieldDefinition> Fields { get; } = new();

    public int Line { get; init; }

    public bool IsArray => Type.StartsWith("[]", StringComparison.Ordinal);

    /// <summary>The element type of an array, or the type itself.</summary>
    public string ElementType => IsArray ? Type[2..] : Type;

    public bool IsStructType => char.IsUpper(ElementType[0]);

    public bool IsTagged => !TaggedVersions.IsEmpty;
}

/// <summary>A struct shared by several fields of one message (Kafka's commonStructs).</summary>
public sealed class CommonStructDefinition
{
    public required string Name { get; init; }

    public required VersionRange Versions { get; init; }

    public List<FieldDefinition> Fields { get; } = new();
}

/// <summary>A request, response, header or data definition.</summary>
public sealed class MessageDefinition
{
    public required DefinitionKind Kind { get; init; }

    /// <summary>The short name: Produce for ProduceRequest and ProduceResponse; the full name for headers and data.</summary>
    public required string Name { get; init; }

    public short? ApiKey { get; init; }

    public required VersionRange ValidVersions { get; init; }

    public required VersionRange FlexibleVersions { get; init; }

    public VersionRange? DeprecatedVersions { get; init; }

    public bool LatestVersionUnstable { get; init; }

    public List<string> Listeners { get; init; } = new();

    /// <summary>Where a request goes: any, leader, controller, group, transaction, node, internal.</summary>
    public string? Route { get; init; }

    public List<FieldDefinition> Fields { get; } = new();

    public List<CommonStructDefinition> CommonStructs { get; } = new();

    public string SourceFile { get; init; } = "";

    /// <summary>The C# class name: ProduceRequest, ProduceResponse, RequestHeader, ...</summary>
    public string ClassName => Kind switch
    {
        DefinitionKind.Request => Name + "Request",
        DefinitionKind.Response => Name + "Response",
        _ => Name,
    };
}
