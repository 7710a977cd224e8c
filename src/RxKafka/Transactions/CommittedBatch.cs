namespace RxKafka.Transactions;

/// <summary>A batch the exactly-once pipeline committed: its outputs and its input offsets in one transaction.</summary>
/// <param name="Offsets">Per input partition, the next offset to read: what the transaction committed for the group.</param>
/// <param name="Inputs">How many input records the batch held.</param>
/// <param name="Outputs">How many records the transform produced for them.</param>
/// <param name="Attempt">Which attempt committed it (1 unless earlier ones were aborted).</param>
public sealed record CommittedBatch(IReadOnlyList<TopicPartitionOffset> Offsets, int Inputs, int Outputs, int Attempt);
