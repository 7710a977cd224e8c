namespace RxKafka.Protocol;

// Codes, names and retriable flags follow Apache Kafka 4.2 (trunk) Errors.java; descriptions are our own.
/// <summary>
/// A Kafka protocol error code, as carried in responses (an INT16). Member names are
/// Kafka's own names in PascalCase; <see cref="KafkaErrors.Describe"/> gives the upper-case
/// name, the retriable flag and a description.
/// </summary>
public enum ErrorCode : short
{
    /// <summary>UNKNOWN_SERVER_ERROR: The broker hit an unexpected failure while handling the request; see the broker log.</summary>
    UnknownServerError = -1,

    /// <summary>NONE: No error: the operation succeeded.</summary>
    None = 0,

    /// <summary>OFFSET_OUT_OF_RANGE: The requested offset lies outside the range of offsets the partition currently holds.</summary>
    OffsetOutOfRange = 1,

    /// <summary>CORRUPT_MESSAGE: The record batch failed its CRC check, is too large or malformed, or has a null key on a compacted topic. Retriable.</summary>
    CorruptMessage = 2,

    /// <summary>UNKNOWN_TOPIC_OR_PARTITION: This broker does not host the topic-partition (it may not exist yet, or metadata is stale). Retriable.</summary>
    UnknownTopicOrPartition = 3,

    /// <summary>INVALID_FETCH_SIZE: The fetch size in the request is not valid.</summary>
    InvalidFetchSize = 4,

    /// <summary>LEADER_NOT_AVAILABLE: The partition has no leader right now, usually because a leader election is in progress. Retriable.</summary>
    LeaderNotAvailable = 5,

    /// <summary>NOT_LEADER_OR_FOLLOWER: This broker is not the leader (or not a replica) of the partition; refresh metadata and retry. Retriable.</summary>
    NotLeaderOrFollower = 6,

    /// <summary>REQUEST_TIMED_OUT: The request did not complete within the time the broker allowed. Retriable.</summary>
    RequestTimedOut = 7,

    /// <summary>BROKER_NOT_AVAILABLE: The broker is not available.</summary>
    BrokerNotAvailable = 8,

    /// <summary>REPLICA_NOT_AVAILABLE: The replica asked for is not available on this broker for the partition. Retriable.</summary>
    ReplicaNotAvailable = 9,

    /// <summary>MESSAGE_TOO_LARGE: A message is larger than the largest message the broker accepts.</summary>
    MessageTooLarge = 10,

    /// <summary>STALE_CONTROLLER_EPOCH: The controller has moved to another broker.</summary>
    StaleControllerEpoch = 11,

    /// <summary>OFFSET_METADATA_TOO_LARGE: The metadata string attached to a committed offset is too large.</summary>
    OffsetMetadataTooLarge = 12,

    /// <summary>NETWORK_EXCEPTION: The connection closed before a response arrived. Retriable.</summary>
    NetworkException = 13,

    /// <summary>COORDINATOR_LOAD_IN_PROGRESS: The coordinator is still loading its state and cannot serve requests yet. Retriable.</summary>
    CoordinatorLoadInProgress = 14,

    /// <summary>COORDINATOR_NOT_AVAILABLE: The coordinator is not available. Retriable.</summary>
    CoordinatorNotAvailable = 15,

    /// <summary>NOT_COORDINATOR: This broker is not the coordinator for the group or transactional id; find the coordinator again. Retriable.</summary>
    NotCoordinator = 16,

    /// <summary>INVALID_TOPIC_EXCEPTION: The topic name is not valid or the operation is not allowed on this topic.</summary>
    InvalidTopicException = 17,

    /// <summary>RECORD_LIST_TOO_LARGE: A record batch is larger than the segment size the broker is configured with.</summary>
    RecordListTooLarge = 18,

    /// <summary>NOT_ENOUGH_REPLICAS: The write was rejected because fewer replicas are in sync than min.insync.replicas requires. Retriable.</summary>
    NotEnoughReplicas = 19,

    /// <summary>NOT_ENOUGH_REPLICAS_AFTER_APPEND: The write reached the log but fewer replicas than required were in sync when it was acknowledged. Retriable.</summary>
    NotEnoughReplicasAfterAppend = 20,

    /// <summary>INVALID_REQUIRED_ACKS: The produce request carried an acks value the broker does not accept.</summary>
    InvalidRequiredAcks = 21,

    /// <summary>ILLEGAL_GENERATION: The group generation id in the request is not the current one.</summary>
    IllegalGeneration = 22,

    /// <summary>INCONSISTENT_GROUP_PROTOCOL: The member's group protocols do not match those of the existing members, or none were given.</summary>
    InconsistentGroupProtocol = 23,

    /// <summary>INVALID_GROUP_ID: The group id is not valid.</summary>
    InvalidGroupId = 24,

    /// <summary>UNKNOWN_MEMBER_ID: The group coordinator does not know this member id.</summary>
    UnknownMemberId = 25,

    /// <summary>INVALID_SESSION_TIMEOUT: The session timeout is outside the range the broker allows (group.min/max.session.timeout.ms).</summary>
    InvalidSessionTimeout = 26,

    /// <summary>REBALANCE_IN_PROGRESS: The group is rebalancing; the member has to rejoin.</summary>
    RebalanceInProgress = 27,

    /// <summary>INVALID_COMMIT_OFFSET_SIZE: The size of the committed offset data is not valid.</summary>
    InvalidCommitOffsetSize = 28,

    /// <summary>TOPIC_AUTHORIZATION_FAILED: The principal is not authorized to access this topic.</summary>
    TopicAuthorizationFailed = 29,

    /// <summary>GROUP_AUTHORIZATION_FAILED: The principal is not authorized to access this group.</summary>
    GroupAuthorizationFailed = 30,

    /// <summary>CLUSTER_AUTHORIZATION_FAILED: The principal is not authorized to perform this cluster operation.</summary>
    ClusterAuthorizationFailed = 31,

    /// <summary>INVALID_TIMESTAMP: A record timestamp is outside the range the broker accepts.</summary>
    InvalidTimestamp = 32,

    /// <summary>UNSUPPORTED_SASL_MECHANISM: The broker does not support the SASL mechanism asked for.</summary>
    UnsupportedSaslMechanism = 33,

    /// <summary>ILLEGAL_SASL_STATE: The request is not valid in the current state of the SASL exchange.</summary>
    IllegalSaslState = 34,

    /// <summary>UNSUPPORTED_VERSION: The broker does not support this version of the API.</summary>
    UnsupportedVersion = 35,

    /// <summary>TOPIC_ALREADY_EXISTS: A topic with this name already exists.</summary>
    TopicAlreadyExists = 36,

    /// <summary>INVALID_PARTITIONS: The number of partitions is not valid.</summary>
    InvalidPartitions = 37,

    /// <summary>INVALID_REPLICATION_FACTOR: The replication factor is not valid for this cluster.</summary>
    InvalidReplicationFactor = 38,

    /// <summary>INVALID_REPLICA_ASSIGNMENT: The replica assignment is not valid.</summary>
    InvalidReplicaAssignment = 39,

    /// <summary>INVALID_CONFIG: The configuration is not valid.</summary>
    InvalidConfig = 40,

    /// <summary>NOT_CONTROLLER: This broker is not the active controller of the cluster. Retriable.</summary>
    NotController = 41,

    /// <summary>INVALID_REQUEST: The broker could not make sense of the request (malformed, or sent to an incompatible broker).</summary>
    InvalidRequest = 42,

    /// <summary>UNSUPPORTED_FOR_MESSAGE_FORMAT: The broker's message format version does not support this request.</summary>
    UnsupportedForMessageFormat = 43,

    /// <summary>POLICY_VIOLATION: The request does not satisfy a policy configured on the broker.</summary>
    PolicyViolation = 44,

    /// <summary>OUT_OF_ORDER_SEQUENCE_NUMBER: The broker received a produce sequence number out of order.</summary>
    OutOfOrderSequenceNumber = 45,

    /// <summary>DUPLICATE_SEQUENCE_NUMBER: The broker received a produce sequence number it has already written.</summary>
    DuplicateSequenceNumber = 46,

    /// <summary>INVALID_PRODUCER_EPOCH: The producer epoch in the request is older than the current one.</summary>
    InvalidProducerEpoch = 47,

    /// <summary>INVALID_TXN_STATE: The producer tried a transactional operation that is not allowed in its current transaction state.</summary>
    InvalidTxnState = 48,

    /// <summary>INVALID_PRODUCER_ID_MAPPING: The producer id in the request is not the one assigned to its transactional id.</summary>
    InvalidProducerIdMapping = 49,

    /// <summary>INVALID_TRANSACTION_TIMEOUT: The transaction timeout is above the maximum the broker allows (transaction.max.timeout.ms).</summary>
    InvalidTransactionTimeout = 50,

    /// <summary>CONCURRENT_TRANSACTIONS: Another operation on the same transaction is still in progress. Retriable.</summary>
    ConcurrentTransactions = 51,

    /// <summary>TRANSACTION_COORDINATOR_FENCED: The transaction coordinator that sent the marker is no longer the coordinator for the producer.</summary>
    TransactionCoordinatorFenced = 52,

    /// <summary>TRANSACTIONAL_ID_AUTHORIZATION_FAILED: The principal is not authorized to use this transactional id.</summary>
    TransactionalIdAuthorizationFailed = 53,

    /// <summary>SECURITY_DISABLED: Security features are disabled on the broker.</summary>
    SecurityDisabled = 54,

    /// <summary>OPERATION_NOT_ATTEMPTED: The broker skipped this operation because another one in the same batch failed.</summary>
    OperationNotAttempted = 55,

    /// <summary>KAFKA_STORAGE_ERROR: The broker failed to read or write the log on its disk. Retriable.</summary>
    KafkaStorageError = 56,

    /// <summary>LOG_DIR_NOT_FOUND: The log directory named in the request is not in the broker's configuration.</summary>
    LogDirNotFound = 57,

    /// <summary>SASL_AUTHENTICATION_FAILED: SASL authentication failed (bad credentials or mechanism set-up).</summary>
    SaslAuthenticationFailed = 58,

    /// <summary>UNKNOWN_PRODUCER_ID: The broker has no state for this producer id, for example because its records expired.</summary>
    UnknownProducerId = 59,

    /// <summary>REASSIGNMENT_IN_PROGRESS: A partition reassignment is in progress.</summary>
    ReassignmentInProgress = 60,

    /// <summary>DELEGATION_TOKEN_AUTH_DISABLED: Delegation tokens are not enabled on the broker.</summary>
    DelegationTokenAuthDisabled = 61,

    /// <summary>DELEGATION_TOKEN_NOT_FOUND: The delegation token was not found on the broker.</summary>
    DelegationTokenNotFound = 62,

    /// <summary>DELEGATION_TOKEN_OWNER_MISMATCH: The principal is not the owner or a renewer of the delegation token.</summary>
    DelegationTokenOwnerMismatch = 63,

    /// <summary>DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: Delegation token requests are not allowed on this kind of channel.</summary>
    DelegationTokenRequestNotAllowed = 64,

    /// <summary>DELEGATION_TOKEN_AUTHORIZATION_FAILED: The principal is not authorized to use delegation tokens.</summary>
    DelegationTokenAuthorizationFailed = 65,

    /// <summary>DELEGATION_TOKEN_EXPIRED: The delegation token has expired.</summary>
    DelegationTokenExpired = 66,

    /// <summary>INVALID_PRINCIPAL_TYPE: The principal type in the request is not supported.</summary>
    InvalidPrincipalType = 67,

    /// <summary>NON_EMPTY_GROUP: The group still has members.</summary>
    NonEmptyGroup = 68,

    /// <summary>GROUP_ID_NOT_FOUND: No group with this id exists.</summary>
    GroupIdNotFound = 69,

    /// <summary>FETCH_SESSION_ID_NOT_FOUND: The broker does not know the fetch session id. Retriable.</summary>
    FetchSessionIdNotFound = 70,

    /// <summary>INVALID_FETCH_SESSION_EPOCH: The fetch session epoch is not the expected one. Retriable.</summary>
    InvalidFetchSessionEpoch = 71,

    /// <summary>LISTENER_NOT_FOUND: The leader has no listener matching the one the metadata request arrived on. Retriable.</summary>
    ListenerNotFound = 72,

    /// <summary>TOPIC_DELETION_DISABLED: Deleting topics is disabled on the broker.</summary>
    TopicDeletionDisabled = 73,

    /// <summary>FENCED_LEADER_EPOCH: The leader epoch in the request is older than the broker's. Retriable.</summary>
    FencedLeaderEpoch = 74,

    /// <summary>UNKNOWN_LEADER_EPOCH: The leader epoch in the request is newer than the broker's. Retriable.</summary>
    UnknownLeaderEpoch = 75,

    /// <summary>UNSUPPORTED_COMPRESSION_TYPE: The client does not support the partition's compression type.</summary>
    UnsupportedCompressionType = 76,

    /// <summary>STALE_BROKER_EPOCH: The broker epoch has changed.</summary>
    StaleBrokerEpoch = 77,

    /// <summary>OFFSET_NOT_AVAILABLE: The leader's high watermark has not caught up since the election, so offsets cannot be served yet. Retriable.</summary>
    OffsetNotAvailable = 78,

    /// <summary>MEMBER_ID_REQUIRED: The member must obtain a member id before it can join the group.</summary>
    MemberIdRequired = 79,

    /// <summary>PREFERRED_LEADER_NOT_AVAILABLE: The preferred leader is not available. Retriable.</summary>
    PreferredLeaderNotAvailable = 80,

    /// <summary>GROUP_MAX_SIZE_REACHED: The group already has the maximum number of members.</summary>
    GroupMaxSizeReached = 81,

    /// <summary>FENCED_INSTANCE_ID: Another static member with the same group.instance.id has replaced this one.</summary>
    FencedInstanceId = 82,

    /// <summary>ELIGIBLE_LEADERS_NOT_AVAILABLE: No eligible leader is available for the partition. Retriable.</summary>
    EligibleLeadersNotAvailable = 83,

    /// <summary>ELECTION_NOT_NEEDED: A leader election is not needed for the partition. Retriable.</summary>
    ElectionNotNeeded = 84,

    /// <summary>NO_REASSIGNMENT_IN_PROGRESS: No partition reassignment is in progress.</summary>
    NoReassignmentInProgress = 85,

    /// <summary>GROUP_SUBSCRIBED_TO_TOPIC: Offsets of a topic cannot be deleted while the group is subscribed to it.</summary>
    GroupSubscribedToTopic = 86,

    /// <summary>INVALID_RECORD: The broker's validation rejected the record.</summary>
    InvalidRecord = 87,

    /// <summary>UNSTABLE_OFFSET_COMMIT: The partition has pending transactional offsets that must be resolved first. Retriable.</summary>
    UnstableOffsetCommit = 88,

    /// <summary>THROTTLING_QUOTA_EXCEEDED: The request went over the throttling quota. Retriable.</summary>
    ThrottlingQuotaExceeded = 89,

    /// <summary>PRODUCER_FENCED: A newer producer with the same transactional id has fenced this one.</summary>
    ProducerFenced = 90,

    /// <summary>RESOURCE_NOT_FOUND: The request refers to a resource that does not exist.</summary>
    ResourceNotFound = 91,

    /// <summary>DUPLICATE_RESOURCE: The request refers to the same resource more than once.</summary>
    DuplicateResource = 92,

    /// <summary>UNACCEPTABLE_CREDENTIAL: The credential does not meet the broker's acceptance criteria.</summary>
    UnacceptableCredential = 93,

    /// <summary>INCONSISTENT_VOTER_SET: The sender or receiver of a voter-only request is not an expected voter.</summary>
    InconsistentVoterSet = 94,

    /// <summary>INVALID_UPDATE_VERSION: The update version is not valid.</summary>
    InvalidUpdateVersion = 95,

    /// <summary>FEATURE_UPDATE_FAILED: The broker failed to update finalized features.</summary>
    FeatureUpdateFailed = 96,

    /// <summary>PRINCIPAL_DESERIALIZATION_FAILURE: The broker could not deserialize a forwarded request's principal.</summary>
    PrincipalDeserializationFailure = 97,

    /// <summary>SNAPSHOT_NOT_FOUND: The requested snapshot was not found.</summary>
    SnapshotNotFound = 98,

    /// <summary>POSITION_OUT_OF_RANGE: The requested snapshot position is negative or past the end of the snapshot.</summary>
    PositionOutOfRange = 99,

    /// <summary>UNKNOWN_TOPIC_ID: This broker does not host a topic with this topic id. Retriable.</summary>
    UnknownTopicId = 100,

    /// <summary>DUPLICATE_BROKER_REGISTRATION: The broker id is already registered.</summary>
    DuplicateBrokerRegistration = 101,

    /// <summary>BROKER_ID_NOT_REGISTERED: The broker id is not registered.</summary>
    BrokerIdNotRegistered = 102,

    /// <summary>INCONSISTENT_TOPIC_ID: The topic id of the log does not match the one in the request. Retriable.</summary>
    InconsistentTopicId = 103,

    /// <summary>INCONSISTENT_CLUSTER_ID: The cluster id in the request does not match the broker's.</summary>
    InconsistentClusterId = 104,

    /// <summary>TRANSACTIONAL_ID_NOT_FOUND: The transactional id was not found.</summary>
    TransactionalIdNotFound = 105,

    /// <summary>FETCH_SESSION_TOPIC_ID_ERROR: The fetch session used topic ids inconsistently. Retriable.</summary>
    FetchSessionTopicIdError = 106,

    /// <summary>INELIGIBLE_REPLICA: The new in-sync replica set contains a replica that is not eligible.</summary>
    IneligibleReplica = 107,

    /// <summary>NEW_LEADER_ELECTED: The partition state was updated but the leader has changed.</summary>
    NewLeaderElected = 108,

    /// <summary>OFFSET_MOVED_TO_TIERED_STORAGE: The requested offset has moved to tiered storage.</summary>
    OffsetMovedToTieredStorage = 109,

    /// <summary>FENCED_MEMBER_EPOCH: The member epoch was fenced; the member must give up its partitions and rejoin.</summary>
    FencedMemberEpoch = 110,

    /// <summary>UNRELEASED_INSTANCE_ID: Another member still uses this group instance id; it must leave first.</summary>
    UnreleasedInstanceId = 111,

    /// <summary>UNSUPPORTED_ASSIGNOR: The group does not support this assignor or its version range.</summary>
    UnsupportedAssignor = 112,

    /// <summary>STALE_MEMBER_EPOCH: The member epoch is stale; retry once the heartbeat returns the current epoch.</summary>
    StaleMemberEpoch = 113,

    /// <summary>MISMATCHED_ENDPOINT_TYPE: The request was sent to the wrong type of endpoint.</summary>
    MismatchedEndpointType = 114,

    /// <summary>UNSUPPORTED_ENDPOINT_TYPE: This endpoint type is not supported yet.</summary>
    UnsupportedEndpointType = 115,

    /// <summary>UNKNOWN_CONTROLLER_ID: The controller id is not known.</summary>
    UnknownControllerId = 116,

    /// <summary>UNKNOWN_SUBSCRIPTION_ID: The telemetry subscription id is unknown or outdated.</summary>
    UnknownSubscriptionId = 117,

    /// <summary>TELEMETRY_TOO_LARGE: The telemetry payload is larger than the broker accepts.</summary>
    TelemetryTooLarge = 118,

    /// <summary>INVALID_REGISTRATION: The controller considers the broker registration invalid.</summary>
    InvalidRegistration = 119,

    /// <summary>TRANSACTION_ABORTABLE: The transaction hit an error; abort it to keep using this transactional id.</summary>
    TransactionAbortable = 120,

    /// <summary>INVALID_RECORD_STATE: The record state is not valid, so the delivery acknowledgement could not be completed.</summary>
    InvalidRecordState = 121,

    /// <summary>SHARE_SESSION_NOT_FOUND: The broker does not know the share session. Retriable.</summary>
    ShareSessionNotFound = 122,

    /// <summary>INVALID_SHARE_SESSION_EPOCH: The share session epoch is not the expected one. Retriable.</summary>
    InvalidShareSessionEpoch = 123,

    /// <summary>FENCED_STATE_EPOCH: The share-group state epoch does not match, so the share coordinator rejected the request.</summary>
    FencedStateEpoch = 124,

    /// <summary>INVALID_VOTER_KEY: The voter key does not match the receiving replica's key.</summary>
    InvalidVoterKey = 125,

    /// <summary>DUPLICATE_VOTER: The voter is already in the voter set.</summary>
    DuplicateVoter = 126,

    /// <summary>VOTER_NOT_FOUND: The voter is not in the voter set.</summary>
    VoterNotFound = 127,

    /// <summary>INVALID_REGULAR_EXPRESSION: The regular expression is not valid.</summary>
    InvalidRegularExpression = 128,

    /// <summary>REBOOTSTRAP_REQUIRED: The client's metadata is stale; it has to bootstrap again.</summary>
    RebootstrapRequired = 129,

    /// <summary>STREAMS_INVALID_TOPOLOGY: The streams topology is not valid.</summary>
    StreamsInvalidTopology = 130,

    /// <summary>STREAMS_INVALID_TOPOLOGY_EPOCH: The streams topology epoch is not valid.</summary>
    StreamsInvalidTopologyEpoch = 131,

    /// <summary>STREAMS_TOPOLOGY_FENCED: The streams topology epoch is out of date.</summary>
    StreamsTopologyFenced = 132,

    /// <summary>SHARE_SESSION_LIMIT_REACHED: The broker has reached its limit of share sessions. Retriable.</summary>
    ShareSessionLimitReached = 133,
}
