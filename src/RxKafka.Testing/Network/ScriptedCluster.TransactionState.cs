namespace RxKafka.Testing.Network;

// The transaction half of what the coordinator keeps per transactional id (Kafka's TransactionMetadata).
public sealed partial class ScriptedCluster
{
    private sealed partial class TransactionalProducer
    {
        public string TransactionalId { get; init; } = "";

        public ScriptedTransactionState State { get; set; } = ScriptedTransactionState.Empty;

        public int TimeoutMs { get; set; }

        public SortedSet<TopicPartition> Partitions { get; } = new(PartitionOrder);

        public SortedSet<string> Groups { get; } = new(StringComparer.Ordinal);

        /// <summary>TxnOffsetCommit's offsets per group, held until the commit marker (dropped on abort).</summary>
        public Dictionary<string, Dictionary<TopicPartition, ScriptedCommittedOffset>> PendingOffsets { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? StartedAt { get; set; }

        /// <summary>Counts the transactions begun, so that a timeout aborts only the transaction it was set for.</summary>
        public int TransactionNumber { get; set; }

        /// <summary>
        /// The coordinator's own epoch bump: on a fence (the producer's last epoch forgotten, so it cannot
        /// recover with it, KIP-360) or on completion at EndTxn v5+ (remembered, KIP-890). A spent epoch moves
        /// to a new producer id at epoch 0.
        /// </summary>
        public void BumpEpoch(Func<long> newProducerId, bool keepLastEpoch)
        {
            var last = keepLastEpoch ? Epoch : (short)-1;
            if (Epoch >= LastUsableEpoch)
            {
                (PreviousProducerId, ProducerId, LastEpoch, Epoch) = (ProducerId, newProducerId(), last, 0);
            }
            else
            {
                (LastEpoch, Epoch) = (last, (short)(Epoch + 1));
            }
        }

        /// <summary>Whether an EndTxn at <paramref name="epoch"/> repeats the end that bumped the epoch from it (EndTxn v5+).</summary>
        public bool IsRetryOfBumpingEnd(short epoch, bool commit) =>
            epoch >= 0 && epoch == LastEpoch
            && State == (commit ? ScriptedTransactionState.CompleteCommit : ScriptedTransactionState.CompleteAbort);

        public ScriptedTransaction Snapshot() =>
            new(TransactionalId, ProducerId, Epoch, State, TimeoutMs, Partitions.ToArray(), Groups.ToArray(), StartedAt);
    }
}
