using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Cluster;
using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Producer.Transactions;

// Requests to a coordinator (the transaction coordinator of the transactional id, or a group's for
// TxnOffsetCommit), the retry loop every transactional call shares, and InitProducerId.
internal sealed partial class TransactionManager
{
    /// <summary>What to do with a coordinator's error code.</summary>
    private enum Verdict
    {
        Done,
        Retry,
        FindCoordinatorAndRetry,
        Abortable,
        Fatal,
    }

    // The Java client's reading of a transaction API's error (KIP-98, KIP-588, KIP-890).
    private static Verdict Judge(ErrorCode error) => error switch
    {
        ErrorCode.None => Verdict.Done,
        ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable => Verdict.FindCoordinatorAndRetry,
        ErrorCode.CoordinatorLoadInProgress or ErrorCode.ConcurrentTransactions or ErrorCode.UnknownTopicOrPartition
            or ErrorCode.RequestTimedOut or ErrorCode.UnstableOffsetCommit or ErrorCode.NotEnoughReplicas => Verdict.Retry,
        ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed
            or ErrorCode.ClusterAuthorizationFailed or ErrorCode.InvalidProducerIdMapping or ErrorCode.UnsupportedVersion
            or ErrorCode.InvalidTransactionTimeout or ErrorCode.InvalidTxnState => Verdict.Fatal,
        _ => Verdict.Abortable,
    };

    // Fencing has its own type whichever code says it (INVALID_PRODUCER_EPOCH before KIP-588).
    private Exception Error(ErrorCode error, string what) => error is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch
        ? new ProducerFencedException($"Transactional id '{TransactionalId}': {what} answered {error}: a newer producer with this transactional id (or the coordinator, after transaction.timeout.ms) fenced this one; close it")
        : KafkaErrors.ToException(error, $"Transactional id '{TransactionalId}': {what} answered {error}");

    /// <summary>
    /// Runs <paramref name="attempt"/> until its error is final: retriable ones again after the retry backoff (a
    /// moved coordinator looked up again), up to <c>max.block.ms</c>. A fatal error moves to FatalError, an
    /// abortable one to AbortableError (when <paramref name="abortable"/>; else it is fatal too); both are thrown.
    /// </summary>
    private async Task RunAsync(string what, CoordinatorType type, string key, Func<KafkaConnection, Task<ErrorCode>> attempt, CancellationToken cancellationToken, bool abortable = true)
    {
        var deadline = _client.Options.Scheduler.Now + _options.MaxBlock;
        for (var tries = 1; ; tries++)
        {
            ErrorCode error;
            try
            {
                var connection = await CoordinatorAsync(type, key, cancellationToken).ConfigureAwait(false);
                error = await attempt(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaConnectionException or NodeNotReadyException or ObjectDisposedException or RetriableException && !cancellationToken.IsCancellationRequested)
            {
                // The request may not have reached the coordinator, or the connection went: look it up again.
                _logger?.LogDebug(e, "Transactional id {TransactionalId}: {What} failed; retrying", TransactionalId, what);
                error = ErrorCode.CoordinatorNotAvailable;
            }

            switch (Judge(error))
            {
                case Verdict.Done:
                    return;
                case Verdict.Fatal:
                    throw Fatal(Error(error, what));
                case Verdict.Abortable when abortable:
                    throw Abortable(Error(error, what));
                case Verdict.Abortable:
                    throw Fatal(Error(error, what));
                case Verdict.FindCoordinatorAndRetry:
                    _client.ForgetCoordinator(type, key);
                    break;
            }

            var now = _client.Options.Scheduler.Now;
            if (now >= deadline)
            {
                throw new RequestTimedOutException($"Transactional id '{TransactionalId}': {what} still failed with {error} after max.block.ms ({_options.MaxBlock.TotalMilliseconds} ms); the call may be made again");
            }

            await Observable.Timer(_sender.RetryBackoff(tries), _client.Options.Scheduler).ToTask(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<KafkaConnection> CoordinatorAsync(CoordinatorType type, string key, CancellationToken cancellationToken)
    {
        var coordinator = _client.Snapshot.GetCoordinator(type, key) ?? await _client.FindCoordinatorAsync(type, key, cancellationToken).ConfigureAwait(false);
        return await _client.GetConnectionAsync(coordinator.NodeId, ConnectionGroup.Coordination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The version of <paramref name="api"/> to send on <paramref name="connection"/>, at most <paramref name="max"/>.</summary>
    private static short Version(KafkaConnection connection, ApiKey api, short max = short.MaxValue) =>
        Math.Min(connection.ApiVersions!.Pick(api, connection.Broker), max);

    /// <summary>
    /// InitProducerId with the transactional id and <c>transaction.timeout.ms</c>; with <paramref name="current"/>
    /// (v3+, KIP-360) it bumps this producer's own epoch instead of fencing. The sender's identity takes the answer.
    /// </summary>
    private Task InitProducerIdAsync((long ProducerId, short Epoch)? current, CancellationToken cancellationToken) =>
        RunAsync("InitProducerId", CoordinatorType.Transaction, TransactionalId, async connection =>
        {
            var version = Version(connection, ApiKey.InitProducerId);
            var mine = version >= 3 ? current : null;
            var request = new InitProducerIdRequest
            {
                TransactionalId = TransactionalId,
                TransactionTimeoutMs = (int)_options.TransactionTimeout.TotalMilliseconds,
                ProducerId = mine?.ProducerId ?? -1,
                ProducerEpoch = mine?.Epoch ?? -1,
            };
            var response = await connection.SendAtVersionAsync(request, version, cancellationToken).ConfigureAwait(false);
            var error = (ErrorCode)response.ErrorCode;
            if (error == ErrorCode.None)
            {
                // The protocol of the transactions to come: KIP-890 part 2 where the coordinator's cluster runs it.
                Volatile.Write(ref _v2, TransactionProtocol.OffersV2(connection.ApiVersions!));
                _accumulator.ForgetSequences();
                Identity.Reset(response.ProducerId, response.ProducerEpoch);
                _logger?.LogInformation("Transactional id {TransactionalId}: producer id {ProducerId}, epoch {Epoch}", TransactionalId, response.ProducerId, response.ProducerEpoch);
            }

            return error;
        }, cancellationToken, abortable: false);
}
