using RxKafka.Protocol.Messages;
using static RxKafka.Protocol.Messages.MetadataResponse;

namespace RxKafka.Testing.Network;

// The default Metadata answer, from the model, at any version 0-12. The response is built with every
// field the model has; the generated writer drops the ignorable fields a version lacks (rack before v1,
// cluster id before v2, leader epoch before v7, offline replicas before v5, topic id before v10, ...).
// The non-ignorable ones that a version lacks (the authorized-operations fields) are left at their
// defaults, which the writer also accepts.
public sealed partial class ScriptedCluster
{
    private MetadataResponse AnswerMetadata(MetadataRequest request, short version)
    {
        lock (_gate)
        {
            var response = new MetadataResponse
            {
                Brokers = _brokers.Values
                    .Where(b => b.IsUp || !DownBrokersLeaveMetadata)
                    .Select(b => new MetadataResponseBroker { NodeId = b.NodeId, Host = b.Endpoint.Host, Port = b.Endpoint.Port, Rack = b.Rack })
                    .ToList(),
                ClusterId = ClusterId,
                ControllerId = ControllerId,
            };

            // Null (v1+) asks for every topic, and so does an empty list at v0; an empty list at v1+ for none.
            if (request.Topics is null || (version == 0 && request.Topics.Count == 0))
            {
                response.Topics.AddRange(_topics.Values.Select(DescribeTopic));
                return response;
            }

            var seenNames = new HashSet<string>(StringComparer.Ordinal);
            var seenIds = new HashSet<Guid>();
            foreach (var wanted in request.Topics)
            {
                var byId = wanted.TopicId != Guid.Empty;
                if (byId ? seenIds.Add(wanted.TopicId) : wanted.Name is null || seenNames.Add(wanted.Name))
                {
                    response.Topics.Add(AnswerTopic(wanted, version, request.AllowAutoTopicCreation));
                }
            }

            return response;
        }
    }

    private MetadataResponseTopic AnswerTopic(MetadataRequest.MetadataRequestTopic wanted, short version, bool allowAutoCreation)
    {
        if (wanted.TopicId != Guid.Empty)
        {
            // Kafka looks topics up by id from v12 on; before that an id is an invalid request.
            if (version < 12)
            {
                return TopicError(ErrorCode.InvalidRequest, wanted.Name ?? "", wanted.TopicId);
            }

            var found = _topics.Values.FirstOrDefault(t => t.TopicId == wanted.TopicId);
            return found is null ? TopicError(ErrorCode.UnknownTopicId, null, wanted.TopicId) : DescribeTopic(found);
        }

        if (wanted.Name is not { } name)
        {
            return TopicError(ErrorCode.InvalidRequest, version >= 12 ? null : "", Guid.Empty);
        }

        if (_topicErrors.TryGetValue(name, out var error))
        {
            return TopicError(error, name, Guid.Empty);
        }

        if (_topics.TryGetValue(name, out var topic))
        {
            return DescribeTopic(topic);
        }

        if (!IsLegalTopicName(name))
        {
            return TopicError(ErrorCode.InvalidTopicException, name, Guid.Empty);
        }

        if (allowAutoCreation && AutoCreateTopics)
        {
            // Created now; known from the next request on, as a broker answers while it elects leaders.
            // (With no broker up, a handler's request only: nothing to place replicas on yet.)
            if (LiveNodeIds().Count > 0)
            {
                CreateTopicLocked(name, AutoCreatePartitions, replicationFactor: -1, isInternal: false);
            }

            return TopicError(ErrorCode.LeaderNotAvailable, name, Guid.Empty);
        }

        return TopicError(ErrorCode.UnknownTopicOrPartition, name, Guid.Empty);
    }

    private MetadataResponseTopic DescribeTopic(TopicState topic)
    {
        if (_topicErrors.TryGetValue(topic.Name, out var error))
        {
            return TopicError(error, topic.Name, Guid.Empty);
        }

        return new MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = topic.IsInternal,
            Partitions = topic.Partitions.Select(p => new MetadataResponsePartition
            {
                ErrorCode = (short)(p.ErrorCode != ErrorCode.None ? p.ErrorCode : p.LeaderId < 0 ? ErrorCode.LeaderNotAvailable : ErrorCode.None),
                PartitionIndex = p.PartitionIndex,
                LeaderId = p.LeaderId,
                LeaderEpoch = p.LeaderEpoch,
                ReplicaNodes = [.. p.ReplicaNodes],
                IsrNodes = [.. p.IsrNodes],
                OfflineReplicas = [.. p.OfflineReplicas],
            }).ToList(),
        };
    }

    private static MetadataResponseTopic TopicError(ErrorCode error, string? name, Guid topicId) =>
        new() { ErrorCode = (short)error, Name = name, TopicId = topicId };
}
