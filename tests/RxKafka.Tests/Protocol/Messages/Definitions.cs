using System.Reflection;
using RxKafka.MessageGen;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>The project's own message definitions, parsed once, and the generated CLR types they map to.</summary>
internal static class Definitions
{
    private static readonly Lazy<string> s_root = new(() => Generator.FindRepositoryRoot(AppContext.BaseDirectory));
    private static readonly Lazy<List<MessageDefinition>> s_all = new(() => DefinitionParser.ParseDirectory(Path.Combine(Root, Generator.DefinitionsPath)));

    public static string Root => s_root.Value;

    public static IReadOnlyList<MessageDefinition> All => s_all.Value;

    public static MessageDefinition ByClassName(string className) => All.Single(d => d.ClassName == className);

    public static Type ClrType(MessageDefinition def)
        => typeof(KafkaMessage).Assembly.GetType($"{CSharpEmitter.Namespace}.{def.ClassName}", throwOnError: true)!;

    /// <summary>The nested class of <paramref name="owner"/> generated for struct <paramref name="structName"/> (a "Data" suffix avoids a name clash).</summary>
    public static Type StructType(Type owner, string structName)
        => owner.GetNestedType(structName, BindingFlags.Public) ?? owner.GetNestedType(structName + "Data", BindingFlags.Public)
           ?? throw new InvalidOperationException($"{owner.Name} has no nested type for struct {structName}");

    /// <summary>The fields of a struct type named <paramref name="structName"/>: inline in some field, or a common struct.</summary>
    public static List<FieldDefinition> StructFields(MessageDefinition def, string structName)
    {
        var common = def.CommonStructs.FirstOrDefault(c => c.Name == structName);
        if (common is not null)
        {
            return common.Fields;
        }

        return Find(def.Fields) ?? throw new InvalidOperationException($"{def.ClassName}: no struct {structName}");

        List<FieldDefinition>? Find(List<FieldDefinition> fields)
        {
            foreach (var f in fields)
            {
                if (f.IsStructType && f.ElementType == structName && f.Fields.Count > 0)
                {
                    return f.Fields;
                }

                if (Find(f.Fields) is { } found)
                {
                    return found;
                }
            }

            foreach (var c in def.CommonStructs)
            {
                if (ReferenceEquals(fields, def.Fields) && Find(c.Fields) is { } inCommon)
                {
                    return inCommon;
                }
            }

            return null;
        }
    }

    public static IEnumerable<short> Versions(MessageDefinition def)
    {
        for (var v = def.ValidVersions.Low; v <= def.ValidVersions.High; v++)
        {
            yield return v;
        }
    }
}
