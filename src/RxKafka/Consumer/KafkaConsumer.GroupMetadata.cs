using RxKafka.Consumer.Engine;

namespace RxKafka.Consumer;

// The consumer's group identity for a transactional producer's SendOffsetsToTransactionAsync (KIP-447).
public sealed partial class KafkaConsumer<TKey, TValue>
{
    /// <summary>
    /// The consumer's group, generation (or member epoch), member id and instance id now, for
    /// <see cref="Producer.KafkaProducer{TKey, TValue}.SendOffsetsToTransactionAsync"/>. Read it with the records
    /// whose offsets go into the transaction: after a rebalance the coordinator refuses the old identity.
    /// A consumer that only assigns partitions has generation -1 and an empty member id.
    /// </summary>
    /// <exception cref="InvalidOperationException">The consumer has no <c>group.id</c>.</exception>
    public ConsumerGroupMetadata GroupMetadata
    {
        get
        {
            var group = Options.GroupId ?? throw new InvalidOperationException("The consumer has no group.id: offsets sent to a transaction belong to a consumer group");
            var identity = _member?.Identity ?? GroupIdentity.Standalone;
            return new ConsumerGroupMetadata(group, identity.GenerationId, identity.MemberId, identity.GroupInstanceId);
        }
    }
}
