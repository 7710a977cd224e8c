using System.Collections;
using System.Reflection;
using System.Text;
using RxKafka.MessageGen;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>Builds messages with random field values for a version, driven by the definitions, and compares them deeply.</summary>
internal sealed class RandomMessages(Random rng, MessageDefinition def, short version)
{
    private static readonly string[] Samples = ["", "a", "topic-1", "é", "日本語", "🙂 emoji", "with space", "x.y_z-0"];

    private bool Flexible => !def.FlexibleVersions.IsEmpty && def.FlexibleVersions.Contains(version);

    public KafkaMessage Create()
    {
        var type = Definitions.ClrType(def);
        var message = (KafkaMessage)Activator.CreateInstance(type)!;
        Fill(message, def.Fields);
        return message;
    }

    private void Fill(object target, List<FieldDefinition> fields)
    {
        var type = target.GetType();
        foreach (var f in fields)
        {
            if (!f.Versions.Contains(version) || (f.IsTagged && !f.TaggedVersions.Contains(version)))
            {
                continue;
            }

            if (f.IsTagged && rng.Next(3) == 0)
            {
                continue; // leave some tagged fields at their default: then they are not written at all
            }

            var prop = type.GetProperty(f.Name) ?? throw new InvalidOperationException($"{type.Name} has no property {f.Name}");
            prop.SetValue(target, Value(f, f.NullableVersions.Contains(version), target));
        }

        if (Flexible && rng.Next(3) == 0)
        {
            var known = fields.Where(f => f.Tag is not null).Select(f => f.Tag!.Value).ToHashSet();
            var tags = Enumerable.Range(0, known.Count + 6).Where(t => !known.Contains(t)).OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)).Order().ToList();
            var unknown = tags.Select(t => new TaggedField(t, RandomBytes(rng.Next(0, 6)))).ToList();
            type.GetProperty("UnknownTaggedFields")!.SetValue(target, unknown);
        }
    }

    private object? Value(FieldDefinition f, bool canBeNull, object owner)
    {
        if (canBeNull && rng.Next(5) == 0 && f.Type != "bool")
        {
            return null;
        }

        if (f.IsArray)
        {
            var elementType = ElementClrType(f.ElementType, owner.GetType());
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            var count = rng.Next(0, 3);
            for (var i = 0; i < count; i++)
            {
                list.Add(Element(f.ElementType, owner.GetType()));
            }

            return list;
        }

        if (f.Type == "records")
        {
            return (ReadOnlyMemory<byte>?)new ReadOnlyMemory<byte>(RandomBytes(rng.Next(0, 24)));
        }

        return Element(f.Type, owner.GetType());
    }

    private Type ElementClrType(string type, Type ownerType) => type switch
    {
        "bool" => typeof(bool),
        "int8" => typeof(sbyte),
        "int16" => typeof(short),
        "uint16" => typeof(ushort),
        "int32" => typeof(int),
        "int64" => typeof(long),
        "float64" => typeof(double),
        "uuid" => typeof(Guid),
        "string" => typeof(string),
        "bytes" => typeof(byte[]),
        _ => StructClrType(type, ownerType),
    };

    private Type StructClrType(string name, Type ownerType)
    {
        var messageType = ownerType.DeclaringType ?? ownerType;
        return Definitions.StructType(messageType, name);
    }

    private object Element(string type, Type ownerType)
    {
        switch (type)
        {
            case "bool": return rng.Next(2) == 1;
            case "int8": return (sbyte)rng.Next(sbyte.MinValue, sbyte.MaxValue + 1);
            case "int16": return (short)rng.Next(short.MinValue, short.MaxValue + 1);
            case "uint16": return (ushort)rng.Next(0, ushort.MaxValue + 1);
            case "int32": return rng.Next(4) == 0 ? -1 : rng.Next(int.MinValue, int.MaxValue);
            case "int64": return rng.NextInt64(long.MinValue, long.MaxValue);
            case "float64": return Math.Round((rng.NextDouble() - 0.5) * 1e6, 3);
            case "uuid": return new Guid(RandomBytes(16));
            case "string": return Samples[rng.Next(Samples.Length)] + (rng.Next(2) == 0 ? rng.Next(1000).ToString() : "");
            case "bytes": return RandomBytes(rng.Next(0, 16));
        }

        var structType = StructClrType(type, ownerType);
        var instance = Activator.CreateInstance(structType)!;
        Fill(instance, Definitions.StructFields(def, type));
        return instance;
    }

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Deep equality over settable public properties; returns the path of the first difference, or null.</summary>
    public static string? Difference(object? a, object? b, string path = "")
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? null : $"{path}: {Show(a)} vs {Show(b)}";
        }

        if (a.GetType() != b.GetType())
        {
            return $"{path}: type {a.GetType().Name} vs {b.GetType().Name}";
        }

        switch (a)
        {
            case byte[] x:
                return x.AsSpan().SequenceEqual((byte[])b) ? null : $"{path}: bytes differ";
            case ReadOnlyMemory<byte> m:
                return m.Span.SequenceEqual(((ReadOnlyMemory<byte>)b).Span) ? null : $"{path}: records differ";
            case TaggedField t:
                var u = (TaggedField)b;
                return t.Tag == u.Tag && t.Data.AsSpan().SequenceEqual(u.Data) ? null : $"{path}: tagged field {t.Tag} vs {u.Tag}";
            case string or Guid or bool or sbyte or short or ushort or int or long or double:
                return a.Equals(b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
            case IList la:
                var lb = (IList)b;
                if (la.Count != lb.Count)
                {
                    return $"{path}: {la.Count} elements vs {lb.Count}";
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (Difference(la[i], lb[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
        }

        foreach (var p in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (Difference(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}") is { } d)
            {
                return d;
            }
        }

        return null;
    }

    private static string Show(object? o) => o switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => o.ToString() ?? "?",
    };

    public static KafkaMessage Decode(MessageDefinition def, byte[] bytes, short version)
    {
        var decoded = (KafkaMessage)Activator.CreateInstance(Definitions.ClrType(def))!;
        var reader = new KafkaReader(bytes);
        decoded.Read(ref reader, version);
        if (!reader.End)
        {
            throw new InvalidOperationException($"{def.ClassName} v{version}: {reader.Remaining} bytes left after decoding");
        }

        return decoded;
    }

    public static string Hex(byte[] b) => Convert.ToHexString(b);

    public static string Describe(byte[] b) => b.Length <= 64 ? Hex(b) : Hex(b[..64]) + "...";

    public static string Utf8(string s) => Convert.ToHexString(Encoding.UTF8.GetBytes(s));
}
