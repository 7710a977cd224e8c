using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxKafka.Client;
using RxKafka.Protocol;
using RxKafka.Protocol.Messages;
using RxKafka.Reactive;

namespace RxKafka.Producer.Engine;

// One Produce request and its answer; retries; the idempotent producer's id and epoch.
internal sealed partial class ProducerSender
{
    private Task? _identityTask;

    private bool IsPaused => _identity is not null && (!_identity.IsKnown || Volatile.Read(ref _bumpNeeded));

    /// <summary>Starts InitProducerId when the idempotent producer has no id yet (the sinks wait for it).</summary>
    public void EnsureIdentity()
    {
        if (_identity is null || _identity.IsKnown || _options.IsTransactional)
        {
            // A transactional producer's id comes from InitTransactionsAsync, at its transaction coordinator.
            return;
        }

        lock (_gate)
        {
            // A finished task without an identity failed (its batches failed with it): ask again.
            if (_identityTask is null || _identityTask.IsCompleted)
            {
                _identityTask = InitProducerIdAsync(bump: false);
            }
        }
    }

    /// <summary>
    /// Fails the batches whose delivery.timeout.ms has passed (taking them out of <paramref name="batches"/>)
    /// and builds one Produce request of the rest, giving each batch its sequence the first time it is
    /// built; null when none is left.
    /// </summary>
    private ProduceRequest? Prepare(List<ProducerBatch> batches)
    {
        var now = _scheduler.Now;
        batches.RemoveAll(batch =>
        {
            if (now - batch.CreatedAt < _options.DeliveryTimeout)
            {
                return false;
            }

            Fail(batch, DeliveryTimedOut(batch, now));
            _ = _accumulator.Done(batch.Partition);
            return true;
        });
        if (batches.Count == 0)
        {
            return null;
        }

        var request = new ProduceRequest { TransactionalId = _options.TransactionalId, Acks = (short)_options.Acks, TimeoutMs = (int)_options.Client.RequestTimeout.TotalMilliseconds };
        foreach (var topic in batches.GroupBy(b => b.Partition.Topic))
        {
            var data = new ProduceRequest.TopicProduceData { Name = topic.Key };
            foreach (var batch in topic)
            {
                batch.Attempts++;
                // A batch keeps the epoch and sequence of its first send across retries; a new one takes its partition's next.
                var (epoch, sequence) = !batch.IsBuilt && _identity is not null ? _identity.Assign(batch.Partition, batch.Count) : (batch.ProducerEpoch, batch.BaseSequence);
                var bytes = batch.Build(_options.CompressionType, _options.CompressionLevel, _identity?.ProducerId ?? -1, epoch, sequence, _options.IsTransactional);
                if (batch.Attempts == 1)
                {
                    ProducerInstruments.BatchSize.Record(batch.SizeInBytes, _clientTag);
                    ProducerInstruments.CompressionRatio.Record((double)bytes.Length / batch.SizeInBytes, _clientTag);
                }

                batch.SentAt = now;
                data.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = batch.Partition.Partition, Records = bytes });
            }

            request.TopicData.Add(data);
        }

        return request;
    }

    /// <summary>Handles the outcome of one Produce request to <paramref name="nodeId"/> carrying <paramref name="sending"/>: completes, retries or fails each batch.</summary>
    private void HandleAnswer(int nodeId, List<ProducerBatch> sending, Task<ProduceResponse> outcome)
    {
        if (!outcome.IsCompletedSuccessfully)
        {
            var e = outcome.Exception?.InnerException ?? new TaskCanceledException(outcome);
            if (e is ObjectDisposedException && _disposed)
            {
                // Closing: these batches were taken from the accumulator, so close cannot fail them.
                foreach (var batch in sending)
                {
                    Fail(batch, new KafkaException(ErrorCode.None, $"{batch.Count} record(s) for {batch.Partition} were not delivered: the producer was closed while they were being sent", e));
                }

                return;
            }

            // The request may or may not have reached the broker: a retry is safe with idempotence.
            // (An ObjectDisposedException while open is a connection the client retired under us.)
            RetryAll(sending, e);
            return;
        }

        var response = outcome.Result;
        ProducerInstruments.RequestLatency.Record((_scheduler.Now - sending[0].SentAt).TotalMilliseconds, _clientTag);
        if (_options.Acks == Acks.None)
        {
            foreach (var batch in sending)
            {
                Succeed(batch, -1, -1);
            }

            return;
        }

        var answers = new Dictionary<TopicPartition, ProduceResponse.PartitionProduceResponse>();
        foreach (var topic in response.Responses)
        {
            foreach (var partition in topic.PartitionResponses)
            {
                answers[new TopicPartition(topic.Name, partition.Index)] = partition;
            }
        }

        foreach (var batch in sending)
        {
            if (!answers.TryGetValue(batch.Partition, out var answer))
            {
                Retry(batch, ErrorCode.UnknownServerError, new KafkaException(ErrorCode.UnknownServerError, $"the Produce answer from broker {nodeId} left out {batch.Partition}"), leaderMayHaveMoved: false);
                continue;
            }

            var error = (ErrorCode)answer.ErrorCode;
            if (error is ErrorCode.None or ErrorCode.DuplicateSequenceNumber)
            {
                // A duplicate is a batch the broker already has (an earlier attempt got through).
                Succeed(batch, error == ErrorCode.None ? answer.BaseOffset : -1, answer.LogAppendTimeMs);
            }
            else
            {
                var message = $"Produce to {batch.Partition} on broker {nodeId}" + (string.IsNullOrEmpty(answer.ErrorMessage) ? "" : $": {answer.ErrorMessage}");
                HandleError(batch, error, KafkaErrors.ToException(error, message));
            }
        }
    }

    /// <summary>Batches whose request failed, or that could not be sent for want of a connection (<paramref name="unsent"/>: that counts as an attempt too), retried with <paramref name="error"/> as the reason.</summary>
    private void RetryAll(List<ProducerBatch> batches, Exception error, bool unsent = false)
    {
        foreach (var batch in batches)
        {
            if (unsent)
            {
                batch.Attempts++;
            }

            Retry(batch, error is KafkaException k && k.ErrorCode != ErrorCode.None ? k.ErrorCode : ErrorCode.NetworkException, error, leaderMayHaveMoved: true);
        }
    }

    private void HandleError(ProducerBatch batch, ErrorCode error, Exception exception)
    {
        // A transactional producer bumps its epoch after the abort instead (TransactionManager): the batch fails.
        if (_identity is not null && batch.BaseSequence >= 0 && Transactions is null
            && (ProducerIdentity.NeedsEpochBump(error) || (error == ErrorCode.OutOfOrderSequenceNumber && _identity.IsNextExpected(batch.Partition, batch.ProducerEpoch, batch.BaseSequence))))
        {
            // KIP-360: the broker lost (or fenced) this producer's state for the partition. Bump the
            // epoch once nothing is in flight, then send this partition's batches again from sequence 0.
            _logger?.LogInformation("Produce to {Partition}: {Error}; bumping the producer epoch", batch.Partition, error);
            _rewrite[batch.Partition] = 0;
            Volatile.Write(ref _bumpNeeded, true);
            Requeue(batch, TimeSpan.Zero);
            return;
        }

        var retriable = error == ErrorCode.OutOfOrderSequenceNumber || KafkaErrors.IsRetriable(error);
        if (retriable)
        {
            // The error table's invalid-metadata flag (Kafka's InvalidMetadataException codes) says the leader may have moved.
            Retry(batch, error, exception, leaderMayHaveMoved: KafkaErrors.IsInvalidMetadata(error));
        }
        else
        {
            Fail(batch, exception);
        }
    }

    private void Retry(ProducerBatch batch, ErrorCode error, Exception exception, bool leaderMayHaveMoved)
    {
        var now = _scheduler.Now;
        var backoff = RetryBackoff(batch.Attempts);
        if (batch.Attempts > _options.Retries)
        {
            Fail(batch, exception);
            return;
        }

        if (now + backoff - batch.CreatedAt >= _options.DeliveryTimeout)
        {
            // The last attempt's error is the cause here: the client's recent failures would repeat it.
            Fail(batch, new KafkaException(error, $"{batch.DeliveryTimedOut(now + backoff, _options.DeliveryTimeout).Message}; the last attempt failed with: {exception.Message}", exception));
            return;
        }

        if (leaderMayHaveMoved)
        {
            _client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
        }

        _logger?.LogDebug("Produce to {Partition} failed ({Error}); retrying in {Backoff} ms", batch.Partition, error, backoff.TotalMilliseconds);
        ProducerInstruments.RecordsRetried.Add(batch.Count, _clientTag, new KeyValuePair<string, object?>("topic", batch.Partition.Topic));
        Requeue(batch, backoff);
    }

    private void Requeue(ProducerBatch batch, TimeSpan backoff)
    {
        batch.RetryNotBefore = _scheduler.Now + backoff;
        _accumulator.Requeue([batch]);
        _scheduler.Schedule((Sender: this, Batch: batch, batch.Attempts), backoff, static (_, s) =>
        {
            s.Sender._accumulator.EndBackoff(s.Batch, s.Attempts);
            s.Sender.OnReady(s.Batch.Partition);
            return Disposable.Empty;
        });
    }

    private void Succeed(ProducerBatch batch, long baseOffset, long logAppendTime)
    {
        if (_identity is not null && batch.BaseSequence >= 0)
        {
            _identity.Acknowledged(batch.Partition, batch.ProducerEpoch, batch.BaseSequence, batch.Count);
        }

        ProducerInstruments.RecordsSent.Add(batch.Count, _clientTag, new KeyValuePair<string, object?>("topic", batch.Partition.Topic));
        Deliver(batch, baseOffset, logAppendTime, null);
    }

    private void Fail(ProducerBatch batch, Exception error)
    {
        // A batch sent with a sequence of the current epoch and then given up (a non-retriable error,
        // delivery.timeout.ms, retries spent) leaves a hole in its partition's sequence, or an unknown
        // outcome: a broker would refuse the partition's next batches as out of order. Like the Java
        // client's idempotent producer, bump the epoch (KIP-360) so every partition starts again at 0.
        var bump = _identity is not null && Transactions is null && batch.IsBuilt && batch.BaseSequence >= 0 && _identity.IsPartitionEpoch(batch.Partition, batch.ProducerEpoch) && !_disposed;
        ProducerInstruments.RecordsFailed.Add(batch.Count, _clientTag, new KeyValuePair<string, object?>("topic", batch.Partition.Topic));
        // The transaction hears of it before anyone waiting for the records does: a commit woken by their
        // delivery (its flush) must find the transaction abortable, or it commits without them.
        Transactions?.OnBatchFailed(batch.Partition, error);
        Deliver(batch, -1, -1, error);
        if (bump)
        {
            _logger?.LogInformation("Produce to {Partition} gave up on sequence {Sequence}; bumping the producer epoch", batch.Partition, batch.BaseSequence);
            _rewrite[batch.Partition] = 0;
            Volatile.Write(ref _bumpNeeded, true);
            AfterRequest(); // bumps now if nothing is in flight, else when the last request in flight completes
        }
    }

    /// <summary>
    /// Tells the batch's records their outcome, then releases the batch. A batch whose callbacks run the
    /// user's code is completed on its partition's lane (a serial executor per partition, on the thread
    /// pool): a callback that blocks holds up only its own partition's later callbacks, never a sink or
    /// a read loop, and callbacks of one partition keep their order. Others complete here and now.
    /// </summary>
    private void Deliver(ProducerBatch batch, long baseOffset, long logAppendTime, Exception? error)
    {
        if (!batch.HasUserCallbacks)
        {
            Complete(batch, baseOffset, logAppendTime, error);
            return;
        }

        var lane = _lanes.GetOrAdd(batch.Partition, static (partition, sender) => new SerialExecutor(
            sender._scheduler,
            onError: e => sender._logger?.LogError(e, "A delivery callback for {Partition} threw", partition)), this);
        lane.Post(static state =>
        {
            var (sender, batch, baseOffset, logAppendTime, error) = ((ProducerSender, ProducerBatch, long, long, Exception?))state!;
            sender.Complete(batch, baseOffset, logAppendTime, error);
        }, (this, batch, baseOffset, logAppendTime, error));
    }

    private void Complete(ProducerBatch batch, long baseOffset, long logAppendTime, Exception? error)
    {
        try
        {
            batch.Complete(baseOffset, logAppendTime, error);
        }
        finally
        {
            // Memory and flush bookkeeping, whatever a callback did.
            _completed(batch, error);
        }
    }

    /// <summary>Fails a batch the accumulator gives up (delivery timeout, shutdown).</summary>
    public void FailQueued(ProducerBatch batch, Exception error) => Fail(batch, error);

    private KafkaException DeliveryTimedOut(ProducerBatch batch, DateTimeOffset now) => batch.DeliveryTimedOut(now, _options.DeliveryTimeout, _client.FailuresSince(batch.CreatedAt));

    /// <summary>The backoff before attempt <paramref name="attempts"/> + 1 (the transaction manager's retries use it too).</summary>
    internal TimeSpan RetryBackoff(int attempts)
    {
        // retry.backoff.ms doubling per attempt up to retry.backoff.max.ms (KIP-580), on the client's jitter setting.
        var options = _options.Client.RetryBackoffOptions;
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = Math.Min(options.Max.TotalMilliseconds, options.Base.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(delay);
    }

    private void AfterRequest()
    {
        if (Volatile.Read(ref _bumpNeeded) && Volatile.Read(ref _inFlight) == 0)
        {
            lock (_gate)
            {
                if (_identityTask is null || _identityTask.IsCompleted)
                {
                    _identityTask = InitProducerIdAsync(bump: true);
                }
            }
        }
    }

    private async Task InitProducerIdAsync(bool bump)
    {
        if (bump && _identity!.IsKnown && _identity.Epoch < short.MaxValue)
        {
            // KIP-360: an idempotent producer bumps its own epoch; the broker takes a new epoch that
            // starts at sequence 0. (InitProducerId without a transactional id would hand out a new id.)
            // Only the partitions that need it are rewritten now; the others keep retrying what they
            // sent under the old epoch, which the broker may have stored, and move on once it is done.
            var rewrite = _rewrite.Keys.ToList();
            foreach (var partition in rewrite)
            {
                _rewrite.TryRemove(partition, out _);
            }

            _accumulator.ForgetSequences(rewrite);
            _identity.Bump((short)(_identity.Epoch + 1), rewrite);
            Volatile.Write(ref _bumpNeeded, false);
            _logger?.LogInformation("Producer id {ProducerId}: epoch bumped to {Epoch}", _identity.ProducerId, _identity.Epoch);
            ReadyAll();
            return;
        }

        var attempt = 0;
        while (!_disposed)
        {
            attempt++;
            try
            {
                var connection = await _client.AnyConnectionAsync(ConnectionGroup.Coordination, CancellationToken.None).ConfigureAwait(false);
                var response = await connection.SendAsync(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = int.MaxValue }).ConfigureAwait(false);
                var error = (ErrorCode)response.ErrorCode;
                if (error != ErrorCode.None)
                {
                    throw KafkaErrors.ToException(error, $"InitProducerId from {connection.Broker}");
                }

                _accumulator.ForgetSequences();
                _rewrite.Clear();
                _identity!.Reset(response.ProducerId, response.ProducerEpoch);
                Volatile.Write(ref _bumpNeeded, false);
                _logger?.LogInformation("Producer id {ProducerId}, epoch {Epoch}", response.ProducerId, response.ProducerEpoch);
                break;
            }
            catch (Exception e) when (e is KafkaException { IsRetriable: true } or NodeNotReadyException || (e is ObjectDisposedException && !_disposed))
            {
                // ObjectDisposedException while the producer is open: the connection was retired under
                // us (e.g. a bootstrap connection the client closes once it knows the real brokers).
                _logger?.LogDebug(e, "InitProducerId failed; retrying");
                await Observable.Timer(RetryBackoff(attempt), _scheduler).ToTask().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Not retriable (e.g. CLUSTER_AUTHORIZATION_FAILED), or the producer is closing: nothing
                // queued can be sent idempotently. The next record asks again (EnsureIdentity).
                _logger?.LogError(e, "InitProducerId failed");
                foreach (var batch in _accumulator.TakeAll())
                {
                    Fail(batch, e);
                }

                lock (_gate)
                {
                    _identityTask = null;
                }

                return;
            }
        }

        ReadyAll();
    }

    /// <summary>Every partition with batches is tried again (a new producer id or epoch, partitions added to a transaction).</summary>
    public void ReadyAll()
    {
        foreach (var partition in _accumulator.Partitions)
        {
            OnReady(partition);
        }
    }
}
