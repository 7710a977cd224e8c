using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Transactions;

// AddPartitionsToTxn as partitions are first written in a transaction, batched: partitions that come while one
// request is in flight go in the next. A partition's batches wait in the accumulator until it is added. Under
// KIP-890 part 2 the broker adds a partition on its first Produce, so nothing is sent.
internal sealed partial class TransactionManager
{
    private readonly HashSet<TopicPartition> _added = new();
    private readonly HashSet<TopicPartition> _toAdd = new();
    // In the AddPartitionsToTxn request in flight: not asked for again meanwhile.
    private readonly HashSet<TopicPartition> _adding = new();
    private Task _addLoop = Task.CompletedTask;

    /// <summary>Requests sent to add partitions in the current transaction: for tests of the batching.</summary>
    public int AddPartitionsRequests { get; private set; }

    /// <summary>Whether the partition's batches may be sent: it is in the transaction as the coordinator knows it.</summary>
    public bool IsAdded(TopicPartition partition)
    {
        lock (_gate)
        {
            return _added.Contains(partition);
        }
    }

    /// <summary>A record was appended for <paramref name="partition"/>: the partition joins the transaction.</summary>
    public void MaybeAdd(TopicPartition partition)
    {
        lock (_gate)
        {
            if (_state != TransactionState.InTransaction || _added.Contains(partition) || _adding.Contains(partition) || !_toAdd.Add(partition))
            {
                return;
            }

            if (_v2)
            {
                // Produce v12 adds it (KIP-890 part 2).
                _toAdd.Remove(partition);
                _added.Add(partition);
                _started = true;
                return;
            }

            if (!_addLoop.IsCompleted)
            {
                // A request is in flight: the partitions gathered meanwhile go in the next one.
                return;
            }

            _addLoop = AddPartitionsAsync();
        }
    }

    private async Task AddPartitionsAsync()
    {
        while (true)
        {
            List<TopicPartition> wanted;
            lock (_gate)
            {
                if (_toAdd.Count == 0 || _state is not (TransactionState.InTransaction or TransactionState.Committing))
                {
                    return;
                }

                wanted = _toAdd.ToList();
                _toAdd.Clear();
                _adding.UnionWith(wanted);
                AddPartitionsRequests++;
            }

            List<TopicPartition> added = new();
            try
            {
                await RunAsync("AddPartitionsToTxn", CoordinatorType.Transaction, TransactionalId, async connection =>
                {
                    // v4+ is for brokers (batches of transactions); clients stay at v3, as Kafka's do.
                    var version = Version(connection, ApiKey.AddPartitionsToTxn, max: 3);
                    var request = new AddPartitionsToTxnRequest
                    {
                        V3AndBelowTransactionalId = TransactionalId,
                        V3AndBelowProducerId = Identity.ProducerId,
                        V3AndBelowProducerEpoch = Identity.Epoch,
                        V3AndBelowTopics = wanted.GroupBy(p => p.Topic).Select(g => new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = g.Key, Partitions = g.Select(p => p.Partition).ToList() }).ToList(),
                    };
                    var response = await connection.SendAtVersionAsync(request, version, CancellationToken.None).ConfigureAwait(false);
                    return Judged(wanted, added, response.ResultsByTopicV3AndBelow.SelectMany(t => t.ResultsByPartition.Select(p => (new TopicPartition(t.Name, p.PartitionIndex), (ErrorCode)p.PartitionErrorCode))));
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The transaction is abortable or fatal now (RunAsync moved it); its batches fail with the abort.
                _logger?.LogWarning(e, "Transactional id {TransactionalId}: adding [{Partitions}] failed", TransactionalId, string.Join(", ", wanted));
                return;
            }
            finally
            {
                lock (_gate)
                {
                    _adding.Clear();
                    _added.UnionWith(added);
                    _started |= added.Count > 0;
                }

                foreach (var partition in added)
                {
                    _sender.OnReady(partition);
                }
            }
        }
    }

    // One AddPartitionsToTxn answer: the added partitions are kept; the worst error of the others decides (an
    // INVALID_TXN_STATE or an authorization error of one partition only makes the transaction abortable).
    private static ErrorCode Judged(List<TopicPartition> wanted, List<TopicPartition> added, IEnumerable<(TopicPartition Partition, ErrorCode Error)> results)
    {
        var worst = ErrorCode.None;
        foreach (var (partition, error) in results)
        {
            if (error == ErrorCode.None)
            {
                added.Add(partition);
                wanted.Remove(partition);
            }
            else if (error != ErrorCode.OperationNotAttempted && (worst == ErrorCode.None || Judge(error) > Judge(worst)))
            {
                worst = error;
            }
        }

        // Only partitions not attempted because of another's error: that error is the one to act on.
        return worst == ErrorCode.None && wanted.Count > 0 ? ErrorCode.OperationNotAttempted : worst switch
        {
            ErrorCode.InvalidTxnState or ErrorCode.TopicAuthorizationFailed => ErrorCode.TransactionAbortable,
            _ => worst,
        };
    }

    private void ResetTransaction()
    {
        _added.Clear();
        _toAdd.Clear();
        _adding.Clear();
        _started = false;
        _cause = null;
        AddPartitionsRequests = 0;
    }
}
