using RxKafka.Producer.Partitioning;

namespace RxKafka.Producer;

/// <summary>
/// The built-in ways to choose the partition of a record that names none, by librdkafka's names for
/// its <c>partitioner</c> setting (<see cref="ProducerOptions.Partitioner"/>). Each picks, for a keyed
/// record, the partition librdkafka (and so Confluent's clients) picks for the same key bytes and
/// partition count; <see cref="Murmur2Random"/>, the default, is also the Java client's.
/// </summary>
/// <remarks>
/// "Sticky" below is KIP-480's: records go to one partition with a leader until a batch for it
/// completes, then to another chosen at random. librdkafka moves its sticky partition on a timer
/// instead (<c>sticky.partitioning.linger.ms</c>); both only spread records that have no key to hash.
/// A custom <see cref="IPartitioner"/> passed to the producer is the advanced alternative: it is used
/// instead, and setting both (this to anything but the default) is a <see cref="KafkaConfigException"/>.
/// </remarks>
public enum Partitioner
{
    /// <summary>
    /// <c>murmur2_random</c> (the default): Kafka's murmur2 of the key, as the Java client's default
    /// partitioner; an empty key is hashed like any other; records with a null key are sticky.
    /// </summary>
    Murmur2Random,

    /// <summary>
    /// <c>murmur2</c>: Kafka's murmur2 of the key; a null key is hashed as an empty one, so all records
    /// without a key go to one partition.
    /// </summary>
    Murmur2,

    /// <summary>
    /// <c>consistent_random</c> (librdkafka's default): the CRC-32 of the key; records with a null or an
    /// empty key are sticky.
    /// </summary>
    ConsistentRandom,

    /// <summary>
    /// <c>consistent</c>: the CRC-32 of the key; null and empty keys hash to 0, so those records all go
    /// to partition 0.
    /// </summary>
    Consistent,

    /// <summary>
    /// <c>fnv1a_random</c>: the 32-bit FNV-1a of the key; an empty key is hashed like any other; records
    /// with a null key are sticky.
    /// </summary>
    Fnv1aRandom,

    /// <summary>
    /// <c>fnv1a</c>: the 32-bit FNV-1a of the key; a null key is hashed as an empty one, so all records
    /// without a key go to one partition.
    /// </summary>
    Fnv1a,

    /// <summary>
    /// <c>random</c>: each record with a key (an empty one too) goes to a partition with a leader chosen
    /// at random, keys ignored; records with a null key are sticky, as with librdkafka's default
    /// <c>sticky.partitioning.linger.ms</c>.
    /// </summary>
    Random,
}

/// <summary>The <c>partitioner</c> setting's spellings, and the <see cref="IPartitioner"/> each value makes.</summary>
internal static class Partitioners
{
    /// <summary>Every value as the setting spells it, in the enum's order.</summary>
    public static readonly string[] ConfigValues =
        [.. Enum.GetValues<Partitioner>().Select(ToConfigValue)];

    /// <summary>librdkafka's spelling: <c>murmur2_random</c>, <c>consistent</c>, <c>fnv1a</c>, ...</summary>
    public static string ToConfigValue(this Partitioner partitioner) => partitioner switch
    {
        Partitioner.Murmur2Random => "murmur2_random",
        Partitioner.Murmur2 => "murmur2",
        Partitioner.ConsistentRandom => "consistent_random",
        Partitioner.Consistent => "consistent",
        Partitioner.Fnv1aRandom => "fnv1a_random",
        Partitioner.Fnv1a => "fnv1a",
        Partitioner.Random => "random",
        _ => partitioner.ToString(),
    };

    /// <summary>The value named <paramref name="name"/>, in any case.</summary>
    /// <exception cref="KafkaConfigException">Another name; the message lists the allowed ones.</exception>
    public static Partitioner Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        foreach (var value in Enum.GetValues<Partitioner>())
        {
            if (string.Equals(trimmed, value.ToConfigValue(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new KafkaConfigException(ProducerOptions.PartitionerConfig, $"'{name}' is not one of {string.Join(", ", ConfigValues)}");
    }

    /// <summary>
    /// The partitioner <paramref name="partitioner"/> names, drawing random and sticky choices from
    /// <paramref name="random"/> (<see cref="System.Random.Shared"/> when null).
    /// </summary>
    public static IPartitioner Create(Partitioner partitioner, Random? random) => partitioner switch
    {
        // The default stays the public class it has always been.
        Partitioner.Murmur2Random => new DefaultPartitioner(random ?? System.Random.Shared),
        _ when Enum.IsDefined(partitioner) => new LibrdkafkaPartitioner(partitioner, random ?? System.Random.Shared),
        _ => throw new KafkaConfigException(ProducerOptions.PartitionerConfig, $"{(int)partitioner} is not a {nameof(Partitioner)} value"),
    };
}
