using RxKafka.Protocol.Messages;

namespace RxKafka.Testing.Network;

// The default answers, and errors queued for the next requests of an API (librdkafka's mock cluster calls
// this push_request_errors).
public sealed partial class ScriptedCluster
{
    // The queue of errors for requests to any broker.
    private const int AnyBroker = -1;

    private readonly Dictionary<(int NodeId, ApiKey ApiKey), Queue<ErrorCode>> _pushedErrors = new();

    /// <summary>
    /// Queues errors for the next requests of <paramref name="apiKey"/> to any broker, one request each, in
    /// order: each of those requests is answered with its error in every place the API has one (every partition
    /// of a Produce, a Fetch, a ListOffsets or an OffsetCommit, every topic of a Metadata, every key of a
    /// FindCoordinator, the InitProducerId, the group of an OffsetFetch (every partition asked for before v2),
    /// the response of a JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ListGroups or ConsumerGroupHeartbeat, every group of a DescribeGroups, DeleteGroups or ConsumerGroupDescribe;
    /// every partition of an AddPartitionsToTxn or a TxnOffsetCommit, the AddOffsetsToTxn or EndTxn;
    /// a fetch-session error is the Fetch response's own, v7+) and changes nothing; <see cref="ErrorCode.None"/> lets one request through to the default answer. The errors are
    /// answered as given, at any version. A <see cref="Handler"/> that answers a request leaves the queue alone.
    /// </summary>
    /// <param name="apiKey">Produce, InitProducerId, Metadata, FindCoordinator, Fetch, ListOffsets, OffsetCommit, OffsetFetch, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups, ConsumerGroupHeartbeat, ConsumerGroupDescribe, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn or TxnOffsetCommit: the APIs the cluster answers.</param>
    /// <param name="errors">The errors, in the order the requests get them.</param>
    /// <exception cref="ArgumentException">The cluster has no default answer for <paramref name="apiKey"/>.</exception>
    public void PushRequestErrors(ApiKey apiKey, params ErrorCode[] errors) => Push(AnyBroker, apiKey, errors);

    /// <summary>
    /// Queues errors for the next requests of <paramref name="apiKey"/> that broker <paramref name="nodeId"/>
    /// receives, as <see cref="PushRequestErrors(ApiKey, ErrorCode[])"/> does for any broker; a broker's own
    /// queue is used before the any-broker queue.
    /// </summary>
    /// <param name="nodeId">The broker's node id.</param>
    /// <param name="apiKey">Produce, InitProducerId, Metadata, FindCoordinator, Fetch, ListOffsets, OffsetCommit, OffsetFetch, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups, DeleteGroups, ConsumerGroupHeartbeat, ConsumerGroupDescribe, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn or TxnOffsetCommit: the APIs the cluster answers.</param>
    /// <param name="errors">The errors, in the order the requests get them.</param>
    /// <exception cref="ArgumentException">The cluster has no such broker, or no default answer for <paramref name="apiKey"/>.</exception>
    public void PushRequestErrors(int nodeId, ApiKey apiKey, params ErrorCode[] errors)
    {
        lock (_gate)
        {
            Get(nodeId);
        }

        Push(nodeId, apiKey, errors);
    }

    /// <summary>
    /// What broker <paramref name="nodeId"/> answers to <paramref name="request"/> when the <see cref="Handler"/>
    /// returns null: the next queued error (<see cref="PushRequestErrors(ApiKey, ErrorCode[])"/>), else the
    /// answer from the model, for a Produce after appending its records. A handler calls it to change how the
    /// default answer is delivered: delay it (<paramref name="delay"/>), or drop the connection after the records
    /// were appended (call it, then return <see cref="BrokerReply.Disconnect"/>).
    /// </summary>
    /// <param name="nodeId">The node id of the broker answering.</param>
    /// <param name="request">The request, as the handler received it.</param>
    /// <param name="delay">Added to the answer's delay (a response or a disconnect), on top of the broker's own.</param>
    /// <returns>The reply; <see cref="BrokerReply.Silence"/> for APIs without a default answer and for a Produce with acks=0.</returns>
    public BrokerReply DefaultReply(int nodeId, ReceivedRequest request, TimeSpan delay = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var pushed = TakePushedError(nodeId, request.ApiKey);
        var reply = pushed is { } error and not ErrorCode.None
            ? ErrorReply(request, error)
            : request.Request switch
            {
                MetadataRequest metadata => BrokerReply.Respond(AnswerMetadata(metadata, request.Version)),
                FindCoordinatorRequest find => BrokerReply.Respond(AnswerFindCoordinator(find, request.Version)),
                ProduceRequest produce => AnswerProduce(nodeId, produce, request.Version, request.ReceivedAt),
                InitProducerIdRequest init => BrokerReply.Respond(AnswerInitProducerId(nodeId, init, request.Version)),
                FetchRequest fetch => AnswerFetch(nodeId, fetch, request.Version, request.ReceivedAt),
                ListOffsetsRequest list => BrokerReply.Respond(AnswerListOffsets(nodeId, list, request.Version)),
                OffsetForLeaderEpochRequest epochs => BrokerReply.Respond(AnswerOffsetForLeaderEpoch(nodeId, epochs, request.Version)),
                OffsetCommitRequest commit => BrokerReply.Respond(AnswerOffsetCommit(nodeId, commit, request.Version, request.ReceivedAt)),
                OffsetFetchRequest fetchOffsets => BrokerReply.Respond(AnswerOffsetFetch(nodeId, fetchOffsets, request.Version)),
                JoinGroupRequest => AnswerJoinGroup(nodeId, request),
                SyncGroupRequest => AnswerSyncGroup(nodeId, request),
                HeartbeatRequest heartbeat => BrokerReply.Respond(AnswerHeartbeat(nodeId, heartbeat, request.Version)),
                LeaveGroupRequest leave => BrokerReply.Respond(AnswerLeaveGroup(nodeId, leave, request.Version)),
                DescribeGroupsRequest describe => BrokerReply.Respond(AnswerDescribeGroups(nodeId, describe, request.Version)),
                ListGroupsRequest list => BrokerReply.Respond(AnswerListGroups(nodeId, list, request.Version)),
                DeleteGroupsRequest delete => BrokerReply.Respond(AnswerDeleteGroups(nodeId, delete)),
                ConsumerGroupHeartbeatRequest heartbeat => BrokerReply.Respond(AnswerConsumerGroupHeartbeat(nodeId, heartbeat, request.Version, request.Header.ClientId ?? "")),
                ConsumerGroupDescribeRequest describe => BrokerReply.Respond(AnswerConsumerGroupDescribe(nodeId, describe)),
                _ => TransactionReply(nodeId, request) ?? BrokerReply.Silence,
            };
        return reply switch
        {
            BrokerReply.ResponseReply response when delay > TimeSpan.Zero => response with { Delay = response.Delay + delay },
            BrokerReply.DisconnectReply disconnect when delay > TimeSpan.Zero => disconnect with { Delay = disconnect.Delay + delay },
            BrokerReply.DeferredReply deferred when delay > TimeSpan.Zero => deferred with { Delay = deferred.Delay + delay },
            _ => reply,
        };
    }

    private void Push(int nodeId, ApiKey apiKey, ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (apiKey is not (ApiKey.Produce or ApiKey.InitProducerId or ApiKey.Metadata or ApiKey.FindCoordinator or ApiKey.Fetch or ApiKey.ListOffsets or ApiKey.OffsetCommit or ApiKey.OffsetFetch
            or ApiKey.JoinGroup or ApiKey.SyncGroup or ApiKey.Heartbeat or ApiKey.LeaveGroup or ApiKey.DescribeGroups or ApiKey.ListGroups or ApiKey.DeleteGroups
            or ApiKey.ConsumerGroupHeartbeat or ApiKey.ConsumerGroupDescribe
            or ApiKey.AddPartitionsToTxn or ApiKey.AddOffsetsToTxn or ApiKey.EndTxn or ApiKey.TxnOffsetCommit))
        {
            throw new ArgumentException($"The scripted cluster has no default answer for {apiKey} to put errors in; answer it with an error from the Handler instead.", nameof(apiKey));
        }

        lock (_gate)
        {
            var queue = _pushedErrors.TryGetValue((nodeId, apiKey), out var q) ? q : _pushedErrors[(nodeId, apiKey)] = new Queue<ErrorCode>();
            foreach (var error in errors)
            {
                queue.Enqueue(error);
            }
        }
    }

    private ErrorCode? TakePushedError(int nodeId, ApiKey apiKey)
    {
        lock (_gate)
        {
            foreach (var key in (ReadOnlySpan<(int, ApiKey)>)[(nodeId, apiKey), (AnyBroker, apiKey)])
            {
                if (_pushedErrors.TryGetValue(key, out var queue) && queue.TryDequeue(out var error))
                {
                    return error;
                }
            }

            return null;
        }
    }

    // The API's answer with the error everywhere it has one; a Produce with acks=0 gets a disconnect, as a
    // broker tells a producer that expects no answer that something went wrong.
    private BrokerReply ErrorReply(ReceivedRequest request, ErrorCode error) => request.Request switch
    {
        ProduceRequest { Acks: 0 } => BrokerReply.Disconnect(),
        ProduceRequest produce => BrokerReply.Respond(new ProduceResponse
        {
            Responses = produce.TopicData.Select(t => new ProduceResponse.TopicProduceResponse
            {
                Name = t.Name,
                PartitionResponses = t.PartitionData.Select(p => Failed(p.Index, error)).ToList(),
            }).ToList(),
        }),
        InitProducerIdRequest => BrokerReply.Respond(new InitProducerIdResponse { ErrorCode = (short)error, ProducerId = -1, ProducerEpoch = -1 }),
        FindCoordinatorRequest find => BrokerReply.Respond(FindCoordinatorError(find, request.Version, error)),
        MetadataRequest metadata => BrokerReply.Respond(MetadataError(metadata, request.Version, error)),
        FetchRequest fetch => BrokerReply.Respond(FetchError(fetch, request.Version, error)),
        ListOffsetsRequest list => BrokerReply.Respond(new ListOffsetsResponse
        {
            Topics = list.Topics.Select(t => new ListOffsetsResponse.ListOffsetsTopicResponse
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => OffsetError(p.PartitionIndex, error)).ToList(),
            }).ToList(),
        }),
        OffsetCommitRequest commit => BrokerReply.Respond(OffsetCommitError(commit, error)),
        OffsetFetchRequest fetchOffsets => BrokerReply.Respond(OffsetFetchError(fetchOffsets, request.Version, error)),
        JoinGroupRequest join => BrokerReply.Respond(JoinError(request.Version, join.MemberId, error)),
        SyncGroupRequest => BrokerReply.Respond(SyncError(error)),
        HeartbeatRequest => BrokerReply.Respond(new HeartbeatResponse { ErrorCode = (short)error }),
        LeaveGroupRequest => BrokerReply.Respond(new LeaveGroupResponse { ErrorCode = (short)error }),
        DescribeGroupsRequest describe => BrokerReply.Respond(new DescribeGroupsResponse
        {
            Groups = describe.Groups.Select(g => new DescribeGroupsResponse.DescribedGroup { GroupId = g, ErrorCode = (short)error }).ToList(),
        }),
        ListGroupsRequest => BrokerReply.Respond(new ListGroupsResponse { ErrorCode = (short)error }),
        DeleteGroupsRequest delete => BrokerReply.Respond(new DeleteGroupsResponse
        {
            Results = delete.GroupsNames.Select(g => new DeleteGroupsResponse.DeletableGroupResult { GroupId = g, ErrorCode = (short)error }).ToList(),
        }),
        ConsumerGroupHeartbeatRequest => BrokerReply.Respond(new ConsumerGroupHeartbeatResponse { ErrorCode = (short)error }),
        ConsumerGroupDescribeRequest describe => BrokerReply.Respond(new ConsumerGroupDescribeResponse
        {
            Groups = describe.GroupIds.Select(g => new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = g, ErrorCode = (short)error }).ToList(),
        }),
        _ => TransactionErrorReply(request, error) ?? BrokerReply.Silence,
    };

    // A session error is the response's own (v7+), with no partitions; any other is every partition's.
    private static FetchResponse FetchError(FetchRequest request, short version, ErrorCode error) =>
        error is (ErrorCode.FetchSessionIdNotFound or ErrorCode.InvalidFetchSessionEpoch or ErrorCode.FetchSessionTopicIdError) && version >= 7
            ? new FetchResponse { ErrorCode = (short)error }
            : new FetchResponse
            {
                Responses = request.Topics.Select(t => new FetchResponse.FetchableTopicResponse
                {
                    Topic = t.Topic,
                    TopicId = t.TopicId,
                    Partitions = t.Partitions.Select(p => Failed(new FetchTarget(t.Topic, t.TopicId, p.Partition), error).Data).ToList(),
                }).ToList(),
            };

    private static FindCoordinatorResponse FindCoordinatorError(FindCoordinatorRequest request, short version, ErrorCode error) => version >= 4
        ? new FindCoordinatorResponse
        {
            Coordinators = request.CoordinatorKeys
                .Select(key => new FindCoordinatorResponse.Coordinator { Key = key, NodeId = -1, Host = "", Port = -1, ErrorCode = (short)error, ErrorMessage = Describe(error) })
                .ToList(),
        }
        : new FindCoordinatorResponse { ErrorCode = (short)error, ErrorMessage = Describe(error), NodeId = -1, Host = "", Port = -1 };

    // The brokers as usual; each topic asked for (every topic, for all of them) with the error and no partitions.
    private MetadataResponse MetadataError(MetadataRequest request, short version, ErrorCode error)
    {
        var response = AnswerMetadata(new MetadataRequest { Topics = [] }, version: 1);
        lock (_gate)
        {
            response.Topics = request.Topics is null || (version == 0 && request.Topics.Count == 0)
                ? _topics.Keys.Select(name => TopicError(error, name, Guid.Empty)).ToList()
                : request.Topics.Select(t => TopicError(error, t.Name, t.TopicId)).ToList();
        }

        return response;
    }
}
