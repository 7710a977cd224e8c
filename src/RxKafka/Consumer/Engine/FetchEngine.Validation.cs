using Microsoft.Extensions.Logging;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Engine;

// KIP-320 truncation detection: after a leader change, a position read in an older leader epoch is checked
// against the new leader's log. Fetch v12+ answers with the diverging epoch itself; before that (Kafka 2.1 to
// 2.6) the consumer asks OffsetForLeaderEpoch first, as Java's consumer validates positions.
internal sealed partial class FetchEngine
{
    // Under the gate, while choosing what to fetch: whether the partition must be validated first (and that is
    // started), given the leader epoch the metadata names and whether the broker's Fetch reports divergence.
    private bool AwaitsValidation(PartitionState state, int leader, int leaderEpoch, bool divergingEpochs)
    {
        if (state.Validating)
        {
            return true;
        }

        var changed = leaderEpoch >= 0 && state.FetchedLeaderEpoch >= 0 && leaderEpoch > state.FetchedLeaderEpoch;
        if (!changed || divergingEpochs || state.LastFetchedEpoch < 0)
        {
            state.FetchedLeaderEpoch = leaderEpoch;
            return false;
        }

        state.Validating = true;
        _ = ValidateAsync(state, leader, leaderEpoch, state.LastFetchedEpoch, state.FetchPosition, state.Version);
        return true;
    }

    private async Task ValidateAsync(PartitionState state, int leader, int leaderEpoch, int lastEpoch, long position, int version)
    {
        OffsetForLeaderEpochResponse.EpochEndOffset? answer = null;
        Exception? failure = null;
        try
        {
            var response = await Client.SendVersionedAsync(leader, ApiKey.OffsetForLeaderEpoch, v => new OffsetForLeaderEpochRequest
            {
                ReplicaId = v >= 3 ? -1 : -2,
                Topics =
                [
                    new OffsetForLeaderEpochRequest.OffsetForLeaderTopic
                    {
                        Topic = state.Partition.Topic,
                        Partitions = [new() { Partition = state.Partition.Partition, CurrentLeaderEpoch = v >= 2 ? leaderEpoch : -1, LeaderEpoch = lastEpoch }],
                    },
                ],
            }).ConfigureAwait(false);
            answer = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault(p => p.Partition == state.Partition.Partition);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            failure = e;
        }

        var retry = false;
        var arrived = false;
        lock (_gate)
        {
            state.Validating = false;
            if (_disposed || state.Revoked || state.Version != version)
            {
                return;
            }

            var error = answer is null ? ErrorCode.UnknownServerError : (ErrorCode)answer.ErrorCode;
            if (failure is not null || error != ErrorCode.None)
            {
                // A leader that moved again, an epoch not known yet, a lost connection: fresh metadata, then again.
                Logger?.LogDebug(failure, "Validating the position of {Partition} with broker {Leader}: {Error}; retrying", state.Partition, leader, failure?.Message ?? error.ToString());
                state.RetryAt = Scheduler.Now + Client.Options.RetryBackoff;
                retry = true;
            }
            else
            {
                state.FetchedLeaderEpoch = leaderEpoch;
                arrived = answer!.EndOffset >= 0 && answer.EndOffset < position && OnTruncation(state, position, answer.LeaderEpoch, answer.EndOffset);
            }
        }

        if (retry)
        {
            Client.ForceMetadataUpdate().Subscribe(_ => { }, _ => { });
            ScheduleWake(Client.Options.RetryBackoff);
        }
        else if (arrived)
        {
            Signal();
        }

        WakeAll();
    }

    // Under the gate: the log was truncated below the position (an unclean leader election), records past
    // epoch's end are gone. Kafka's consumer continues from there, or fails without a reset policy. True when the
    // partition failed (its error waits for the application).
    private bool OnTruncation(PartitionState state, long position, int epoch, long endOffset)
    {
        if (Options.AutoOffsetReset == AutoOffsetReset.None)
        {
            Fail(state, new ConsumeException(new TopicPartitionOffset(state.Partition, position), ErrorCode.None, $"the log was truncated: leader epoch {epoch} ends at {endOffset}, before the position", nextOffset: endOffset));
            return true;
        }

        Logger?.LogWarning("Log truncation detected in {Partition}: leader epoch {Epoch} ends at {EndOffset}, before position {Offset}; continuing from there", state.Partition, epoch, endOffset, position);
        SetPosition(state, endOffset, state.Lookup);
        return false;
    }
}
