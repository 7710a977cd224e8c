namespace RxKafka;

/// <summary>
/// Who a consumer is in its group, as a transactional producer sends it with the consumed offsets
/// (TxnOffsetCommit v3+, KIP-447): the group coordinator refuses the offsets of a member the group has moved on
/// from (a zombie after a rebalance), so one producer can serve a consumer whose partitions change.
/// Get it from <see cref="Consumer.KafkaConsumer{TKey, TValue}.GroupMetadata"/> when the batch is read.
/// </summary>
/// <param name="GroupId">The consumer group's id.</param>
/// <param name="GenerationId">The classic group's generation, or the member epoch of a KIP-848 group; -1 when not a member.</param>
/// <param name="MemberId">The member id the coordinator gave (empty when not a member).</param>
/// <param name="GroupInstanceId">The static member's instance id (<c>group.instance.id</c>), or null.</param>
public sealed record ConsumerGroupMetadata(string GroupId, int GenerationId = -1, string MemberId = "", string? GroupInstanceId = null);
