using Microsoft.Extensions.Logging;
using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Groups;

// The ConsumerGroupHeartbeat request as KIP-848 wants it at each version, and what its errors mean to a user.
internal sealed partial class ConsumerGroupMember
{
    private async Task<ConsumerGroupHeartbeatResponse> HeartbeatAsync(int? leaving, CancellationToken cancellationToken)
    {
        var client = _engine.Client;
        var coordinator = await client.FindCoordinatorAsync(CoordinatorType.Group, Group, cancellationToken).ConfigureAwait(false);
        var connection = await client.GetConnectionAsync(coordinator.NodeId, cancellationToken).ConfigureAwait(false);
        if (connection.ApiVersions?.Supports(ApiKey.ConsumerGroupHeartbeat) == false)
        {
            throw new UnsupportedVersionException(
                $"The coordinator of group '{Group}' (broker {coordinator}) does not offer KIP-848 consumer groups (no ConsumerGroupHeartbeat API; " +
                "Kafka 4.0 and later offer it): set group.protocol=classic");
        }

        string memberId;
        int epoch;
        bool full;
        IReadOnlyList<TopicPartition> owned;
        lock (_gate)
        {
            (memberId, epoch, full, owned) = (_memberId, leaving ?? _epoch, _full || _epoch == 0, _owned);
        }

        var snapshot = client.Snapshot;
        _engine.Logger?.LogTrace("Group {Group}: heartbeat to {Coordinator} as '{MemberId}' at epoch {Epoch}", Group, coordinator, memberId, epoch);
        return await client.SendVersionedAsync(coordinator.NodeId, ApiKey.ConsumerGroupHeartbeat, version =>
        {
            if (version >= 1 && memberId.Length == 0)
            {
                // From v1 the member names itself (KIP-1082), once, and keeps the name across rejoins.
                lock (_gate)
                {
                    _memberId = memberId = Guid.NewGuid().ToString();
                }
            }

            var request = new ConsumerGroupHeartbeatRequest { GroupId = Group, MemberId = memberId, MemberEpoch = epoch };
            if (full && leaving is null)
            {
                request.InstanceId = _options.GroupInstanceId;
                request.RackId = _options.ClientRack.Length > 0 ? _options.ClientRack : null;
                request.RebalanceTimeoutMs = (int)_options.MaxPollInterval.TotalMilliseconds;
                request.ServerAssignor = _options.GroupRemoteAssignor;
                if (_pattern is not null)
                {
                    // Broker-side matching: Kafka reads the pattern as RE2/J, which agrees with .NET's syntax for
                    // ordinary patterns (classes, alternation, anchors, quantifiers) but has no lookaround or backreferences.
                    request.SubscribedTopicNames = [];
                    request.SubscribedTopicRegex = _pattern.ToString();
                }
                else
                {
                    // Names and no pattern: KIP-848 reads an empty regex as "none" (null would mean "unchanged").
                    request.SubscribedTopicNames = [.. _topics!];
                    request.SubscribedTopicRegex = "";
                }

                request.TopicPartitions = owned.GroupBy(p => p.Topic)
                    .Where(t => snapshot.Topics.ContainsKey(t.Key))
                    .Select(t => new ConsumerGroupHeartbeatRequest.TopicPartitionsData { TopicId = snapshot.Topics[t.Key].TopicId, Partitions = t.Select(p => p.Partition).ToList() })
                    .ToList();
            }
            else if (leaving is not null)
            {
                request.InstanceId = _options.GroupInstanceId;
            }

            return request;
        }, cancellationToken).ConfigureAwait(false);
    }

    // Errors that end the membership, each with what the user should do.
    private KafkaException HeartbeatError(ErrorCode error, string? brokerMessage)
    {
        var said = string.IsNullOrEmpty(brokerMessage) ? "" : $" (the broker said: {brokerMessage})";
        var what = error switch
        {
            ErrorCode.UnsupportedVersion or ErrorCode.UnsupportedAssignor =>
                $"the coordinator of group '{Group}' refused this member's KIP-848 request{said}: set group.protocol=classic, or a group.remote.assignor the broker has",
            ErrorCode.GroupIdNotFound or ErrorCode.InconsistentGroupProtocol =>
                $"group '{Group}' is a classic group with members: its members must all use group.protocol=classic until it is empty{said}",
            ErrorCode.UnreleasedInstanceId =>
                $"group.instance.id '{_options.GroupInstanceId}' is held by another live member of group '{Group}'{said}",
            ErrorCode.GroupMaxSizeReached => $"group '{Group}' is full (group.consumer.max.size){said}",
            ErrorCode.InvalidRegularExpression => $"the broker cannot read the pattern '{_pattern}' of group '{Group}' (Kafka uses RE2/J syntax){said}",
            _ => $"ConsumerGroupHeartbeat of group '{Group}' failed{said}",
        };
        return KafkaErrors.ToException(error, what);
    }
}
