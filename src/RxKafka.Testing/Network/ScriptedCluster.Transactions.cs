using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// The transaction coordinator (KIP-98) as Kafka's TransactionCoordinator keeps it: a state per transactional
// id, AddPartitionsToTxn (v0-5) and AddOffsetsToTxn (v0-4) opening and growing a transaction, EndTxn (v0-5)
// completing it (ScriptedCluster.TransactionCompletion.cs writes the markers; ScriptedCluster.TransactionsV2.cs
// adds what KIP-890 part 2 changes).
public sealed partial class ScriptedCluster
{
    private static readonly IComparer<TopicPartition> PartitionOrder = Comparer<TopicPartition>.Create(
        static (a, b) => string.CompareOrdinal(a.Topic, b.Topic) is var byTopic and not 0 ? byTopic : a.Partition.CompareTo(b.Partition));

    /// <summary>
    /// Decides whether a client may use a transactional id (Kafka's WRITE permission on it): false answers
    /// TRANSACTIONAL_ID_AUTHORIZATION_FAILED to InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn
    /// and TxnOffsetCommit naming it. Unset: every id is allowed. It runs under the cluster's lock: it must
    /// not call the cluster.
    /// </summary>
    public Func<string, bool>? AuthorizeTransactionalId { get; set; }

    /// <summary>
    /// What the transaction coordinator holds for <paramref name="transactionalId"/>: producer id, epoch, the
    /// state of its transaction and what was added to it; null before its first InitProducerId.
    /// </summary>
    /// <param name="transactionalId">The transactional id.</param>
    public ScriptedTransaction? Transaction(string transactionalId)
    {
        ArgumentNullException.ThrowIfNull(transactionalId);
        lock (_gate)
        {
            return _transactionalIds.TryGetValue(transactionalId, out var state) ? state.Snapshot() : null;
        }
    }

    /// <summary>
    /// Expires a transactional id, as the coordinator does after <c>transactional.id.expiration.ms</c> without
    /// use: with no transaction open or completing, it becomes <see cref="ScriptedTransactionState.Dead"/>, its
    /// producer id is no longer known (INVALID_PRODUCER_ID_MAPPING) and its next InitProducerId gets a new one.
    /// </summary>
    /// <param name="transactionalId">The transactional id.</param>
    /// <returns>Whether it expired: false when unknown, or while a transaction is open or completing.</returns>
    public bool ExpireTransactionalId(string transactionalId)
    {
        ArgumentNullException.ThrowIfNull(transactionalId);
        lock (_gate)
        {
            if (!_transactionalIds.TryGetValue(transactionalId, out var state)
                || state.State is not (ScriptedTransactionState.Empty or ScriptedTransactionState.CompleteCommit or ScriptedTransactionState.CompleteAbort))
            {
                return false;
            }

            state.State = ScriptedTransactionState.Dead;
            return true;
        }
    }

    private bool Authorized(string transactionalId) => AuthorizeTransactionalId?.Invoke(transactionalId) ?? true;

    // PRODUCER_FENCED came with KIP-588 (AddPartitionsToTxn, AddOffsetsToTxn and EndTxn v2, InitProducerId v4);
    // older versions are told INVALID_PRODUCER_EPOCH, as Kafka does.
    private static ErrorCode ForVersion(ErrorCode error, short version, short fencedSince) =>
        error == ErrorCode.ProducerFenced && version < fencedSince ? ErrorCode.InvalidProducerEpoch : error;

    // The coordinator's checks of a request naming a transactional id, producer id and epoch, in Kafka's order.
    private ErrorCode CheckTransactional(int nodeId, string transactionalId, long producerId, short epoch, out TransactionalProducer state)
    {
        state = null!;
        if (transactionalId.Length == 0)
        {
            return ErrorCode.InvalidRequest;
        }

        if (!Authorized(transactionalId))
        {
            return ErrorCode.TransactionalIdAuthorizationFailed;
        }

        if (Coordinator(CoordinatorType.Transaction, transactionalId) != nodeId)
        {
            return ErrorCode.NotCoordinator;
        }

        if (!_transactionalIds.TryGetValue(transactionalId, out state!) || state.State == ScriptedTransactionState.Dead || state.ProducerId != producerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }

        return state.Epoch != epoch ? ErrorCode.ProducerFenced : ErrorCode.None;
    }

    private AddPartitionsToTxnResponse AnswerAddPartitionsToTxn(int nodeId, AddPartitionsToTxnRequest request, short version, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (version <= 3)
            {
                return new AddPartitionsToTxnResponse
                {
                    ResultsByTopicV3AndBelow = AddPartitions(nodeId, request.V3AndBelowTransactionalId, request.V3AndBelowProducerId, request.V3AndBelowProducerEpoch, request.V3AndBelowTopics, verifyOnly: false, version, now),
                };
            }

            // v4+ (KIP-890): a batch of transactions, each answered on its own; verify_only asks whether the
            // partitions are in the transaction without adding them (how a partition leader checks a producer).
            return new AddPartitionsToTxnResponse
            {
                ResultsByTransaction = request.Transactions.Select(t => new AddPartitionsToTxnResponse.AddPartitionsToTxnResult
                {
                    TransactionalId = t.TransactionalId,
                    TopicResults = AddPartitions(nodeId, t.TransactionalId, t.ProducerId, t.ProducerEpoch, t.Topics, t.VerifyOnly, version, now),
                }).ToList(),
            };
        }
    }

    // One transaction's partitions: the transactional id's authorization, then every partition's topic (an
    // error on one leaves the others OPERATION_NOT_ATTEMPTED), then the coordinator's checks, as Kafka orders them.
    private List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> AddPartitions(
        int nodeId, string transactionalId, long producerId, short epoch, List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, bool verifyOnly, short version, DateTimeOffset now)
    {
        var wanted = topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p))).ToList();
        var errors = wanted.Select(tp => _topicErrors.TryGetValue(tp.Topic, out var topicError) ? topicError
            : !_topics.TryGetValue(tp.Topic, out var topic) || (uint)tp.Partition >= (uint)topic.Partitions.Count ? ErrorCode.UnknownTopicOrPartition
            : ErrorCode.None).ToList();
        if (!Authorized(transactionalId))
        {
            errors = wanted.Select(_ => ErrorCode.TransactionalIdAuthorizationFailed).ToList();
        }
        else if (errors.Any(e => e != ErrorCode.None))
        {
            errors = errors.Select(e => e == ErrorCode.None ? ErrorCode.OperationNotAttempted : e).ToList();
        }
        else
        {
            var error = CheckTransactional(nodeId, transactionalId, producerId, epoch, out var state);
            errors = error != ErrorCode.None ? wanted.Select(_ => error).ToList()
                : verifyOnly ? wanted.Select(tp => state.State == ScriptedTransactionState.Ongoing && state.Partitions.Contains(tp) ? ErrorCode.None : ErrorCode.InvalidTxnState).ToList()
                : Enumerable.Repeat(AddToTransaction(state, wanted, null, now), wanted.Count).ToList();
        }

        return wanted.Zip(errors)
            .GroupBy(x => x.First.Topic, StringComparer.Ordinal)
            .Select(g => new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
            {
                Name = g.Key,
                ResultsByPartition = g.Select(x => new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult
                {
                    PartitionIndex = x.First.Partition,
                    PartitionErrorCode = (short)ForVersion(x.Second, version, fencedSince: 2),
                }).ToList(),
            }).ToList();
    }

    private AddOffsetsToTxnResponse AnswerAddOffsetsToTxn(int nodeId, AddOffsetsToTxnRequest request, short version, DateTimeOffset now)
    {
        lock (_gate)
        {
            var error = CheckTransactional(nodeId, request.TransactionalId, request.ProducerId, request.ProducerEpoch, out var state);
            if (error == ErrorCode.None)
            {
                // The group's offsets join the transaction as its __consumer_offsets partition does in Kafka.
                error = request.GroupId.Length == 0 ? ErrorCode.InvalidGroupId : AddToTransaction(state, [], request.GroupId, now);
            }

            return new AddOffsetsToTxnResponse { ErrorCode = (short)ForVersion(error, version, fencedSince: 2) };
        }
    }

    // Adds partitions (or a group) to the producer's transaction, opening one if none is open. Idempotent: a
    // retry that adds nothing new is answered NONE as well.
    private ErrorCode AddToTransaction(TransactionalProducer state, IReadOnlyList<TopicPartition> partitions, string? group, DateTimeOffset now)
    {
        if (state.State is ScriptedTransactionState.PrepareCommit or ScriptedTransactionState.PrepareAbort or ScriptedTransactionState.PrepareEpochFence)
        {
            return ErrorCode.ConcurrentTransactions;
        }

        if (state.State != ScriptedTransactionState.Ongoing)
        {
            BeginTransaction(state, now);
        }

        state.Partitions.UnionWith(partitions);
        if (group is not null)
        {
            state.Groups.Add(group);
        }

        return ErrorCode.None;
    }

    private EndTxnResponse AnswerEndTxn(int nodeId, EndTxnRequest request, short version)
    {
        lock (_gate)
        {
            var error = CheckTransactional(nodeId, request.TransactionalId, request.ProducerId, request.ProducerEpoch, out var state);
            if (error == ErrorCode.None)
            {
                error = EndTransaction(state, request.Committed, bumpEpoch: version >= 5);
            }
            else if (error == ErrorCode.ProducerFenced && version >= 5 && state.IsRetryOfBumpingEnd(request.ProducerEpoch, request.Committed))
            {
                // KIP-890 part 2: the retry of an end whose answer (with the bumped epoch) was lost gets it again.
                error = ErrorCode.None;
            }

            // v5+ (KIP-890 part 2) returns the producer id and epoch the producer goes on with.
            return error == ErrorCode.None && version >= 5
                ? new EndTxnResponse { ProducerId = state.ProducerId, ProducerEpoch = state.Epoch }
                : new EndTxnResponse { ErrorCode = (short)ForVersion(error, version, fencedSince: 2) };
        }
    }

    // Kafka's answers to EndTxn by state: a retry of a completed (or completing) end is answered as it was
    // (NONE, or CONCURRENT_TRANSACTIONS while its markers are written); the other end, or none open, is
    // INVALID_TXN_STATE. At v5 (KIP-890 part 2) a retry has the epoch before the bump (answered in AnswerEndTxn)
    // and an end at the current epoch with none open is a new one (ScriptedCluster.TransactionsV2.cs).
    private ErrorCode EndTransaction(TransactionalProducer state, bool commit, bool bumpEpoch)
    {
        var wantedPrepare = commit ? ScriptedTransactionState.PrepareCommit : ScriptedTransactionState.PrepareAbort;
        var wantedComplete = commit ? ScriptedTransactionState.CompleteCommit : ScriptedTransactionState.CompleteAbort;
        switch (state.State)
        {
            case ScriptedTransactionState.Ongoing:
                var before = (state.ProducerId, state.Epoch);
                if (bumpEpoch)
                {
                    state.BumpEpoch(() => _nextProducerId++, keepLastEpoch: true);
                }

                PrepareEnd(state, commit ? ScriptedTransactionEnd.Committed : ScriptedTransactionEnd.Aborted, MarkerProducer(before, state));
                return ErrorCode.None;
            case ScriptedTransactionState.PrepareEpochFence:
                return ErrorCode.ConcurrentTransactions;
            case var s when s == wantedPrepare:
                return ErrorCode.ConcurrentTransactions;
            case ScriptedTransactionState.Empty or ScriptedTransactionState.CompleteCommit or ScriptedTransactionState.CompleteAbort when bumpEpoch:
                return EndWithoutTransaction(state, commit);
            case var s when s == wantedComplete:
                return ErrorCode.None;
            default:
                return ErrorCode.InvalidTxnState;
        }
    }

    // Partition side, before KIP-890 part 2's implicit adds (Produce v12): a transactional batch goes only to a
    // partition its producer added to its open transaction, at the transaction's epoch.
    private ErrorCode CheckTransactionalBatch(ProducedBatch batch, TopicPartition partition)
    {
        var state = _transactionalIds.Values.FirstOrDefault(t => t.ProducerId == batch.ProducerId && t.State != ScriptedTransactionState.Dead);
        if (state is null)
        {
            return ErrorCode.InvalidTxnState;
        }

        if (batch.ProducerEpoch != state.Epoch)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        return state.State == ScriptedTransactionState.Ongoing && state.Partitions.Contains(partition) ? ErrorCode.None : ErrorCode.InvalidTxnState;
    }
}
