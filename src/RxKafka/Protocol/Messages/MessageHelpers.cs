using RxKafka.Protocol.Primitives;

namespace RxKafka.Protocol.Messages;

/// <summary>Shared pieces of generated message code.</summary>
internal static class MessageHelpers
{
    public static KafkaException FieldNotSupported(string type, string field, short version)
        => new(ErrorCode.UnsupportedVersion, $"{type}.{field} is set to a non-default value but does not exist in version {version}");

    public static KafkaException NullNotAllowed(string type, string field, short version)
        => new(ErrorCode.InvalidRequest, $"{type}.{field} is null but is not nullable in version {version}");

    public static KafkaProtocolException NullRead(string type, string field, short version)
        => new($"malformed message: {type}.{field} is null but is not nullable in version {version}");

    /// <summary>Writes a tagged-field buffer that holds only fields this client does not know.</summary>
    public static void WriteUnknownTaggedFields(ref KafkaWriter writer, List<TaggedField>? unknown, int known)
    {
        writer.WriteTaggedFieldCount((unknown?.Count ?? 0) + known);
        if (unknown is not null)
        {
            foreach (var field in unknown)
            {
                writer.WriteUnknownTaggedField(field);
            }
        }
    }

    /// <summary>Writes the count of a tagged-field buffer: the known fields plus the unknown ones.</summary>
    public static int BeginTaggedFields(ref KafkaWriter writer, List<TaggedField>? unknown, int known)
    {
        writer.WriteTaggedFieldCount((unknown?.Count ?? 0) + known);
        return 0;
    }

    /// <summary>Writes unknown tagged fields, starting at <paramref name="index"/>, whose tags are below <paramref name="tag"/>; keeps tags in ascending order.</summary>
    public static int WriteUnknownTaggedFieldsBefore(ref KafkaWriter writer, List<TaggedField>? unknown, int index, int tag)
    {
        if (unknown is null)
        {
            return index;
        }

        while (index < unknown.Count && (unknown[index].Tag < tag || tag == int.MaxValue))
        {
            writer.WriteUnknownTaggedField(unknown[index]);
            index++;
        }

        return index;
    }
}
