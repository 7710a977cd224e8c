namespace RxKafka.Serialization;

/// <summary>Which part of a record a serializer or deserializer is working on.</summary>
public enum MessageComponentType
{
    /// <summary>The record's key: it picks the partition and is what log compaction keeps the latest value of.</summary>
    Key,

    /// <summary>The record's value; a null value is a tombstone on a compacted topic.</summary>
    Value,
}
