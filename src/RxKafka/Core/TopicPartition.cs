namespace RxKafka;

/// <summary>A partition of a topic.</summary>
/// <param name="Topic">The topic's name.</param>
/// <param name="Partition">The partition index.</param>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <summary>"topic-partition", as Kafka's tools print it.</summary>
    public override string ToString() => $"{Topic}-{Partition}";
}
