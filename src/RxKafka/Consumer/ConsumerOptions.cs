using RxKafka.Client;

namespace RxKafka.Consumer;

/// <summary>
/// Options of a consumer: fetching, where to start, isolation, prefetch and commits. Immutable; change
/// with <c>with</c>. Defaults are the Java client's (Kafka 4.0) where it has the setting. The client
/// underneath (bootstrap servers, security, <c>request.timeout.ms</c>, backoffs, scheduler) is
/// <see cref="Client"/>.
/// </summary>
public sealed partial record ConsumerOptions
{
    /// <summary>
    /// The client the consumer runs on. A consumer made on a shared <see cref="KafkaClient"/> runs with that
    /// client's options instead: leave this unset then (or equal to the client's).
    /// </summary>
    public KafkaClientOptions Client { get; init; } = new();

    /// <summary>
    /// The consumer group (<c>group.id</c>): where offsets are committed and fetched. Null (the default)
    /// for a consumer that only assigns partitions itself and commits nothing.
    /// </summary>
    public string? GroupId { get; init; }

    /// <summary>The least data a fetch waits for, in bytes (<c>fetch.min.bytes</c>, default 1).</summary>
    public int FetchMinBytes { get; init; } = ConsumerDefaults.FetchMinBytes;

    /// <summary>The most data one fetch response may carry, all partitions together (<c>fetch.max.bytes</c>, default 50 MiB; KIP-74).</summary>
    public int FetchMaxBytes { get; init; } = ConsumerDefaults.FetchMaxBytes;

    /// <summary>The most data one fetch response may carry for one partition (<c>max.partition.fetch.bytes</c>, default 1 MiB).</summary>
    public int MaxPartitionFetchBytes { get; init; } = ConsumerDefaults.MaxPartitionFetchBytes;

    /// <summary>
    /// How long a broker may hold a fetch that has less than <see cref="FetchMinBytes"/> to return
    /// (<c>fetch.max.wait.ms</c>, librdkafka's <c>fetch.wait.max.ms</c>; default 500 ms).
    /// </summary>
    public TimeSpan FetchMaxWait { get; init; } = ConsumerDefaults.FetchMaxWait;

    /// <summary>Where to start without a committed offset, or when the position is out of range (<c>auto.offset.reset</c>, default latest).</summary>
    public AutoOffsetReset AutoOffsetReset { get; init; } = ConsumerDefaults.OffsetReset;

    /// <summary>Which transactional records are read (<c>isolation.level</c>, default read_uncommitted).</summary>
    public IsolationLevel IsolationLevel { get; init; } = ConsumerDefaults.Isolation;

    /// <summary>Whether each batch's CRC is checked before its records are read (<c>check.crcs</c>, default true).</summary>
    public bool CheckCrcs { get; init; } = ConsumerDefaults.CheckCrcs;

    /// <summary>
    /// Whether reaching the end of a partition (the position at the high watermark) is announced with a
    /// <see cref="ConsumeResult{TKey, TValue}.IsPartitionEof"/> result (<c>enable.partition.eof</c>, default false).
    /// </summary>
    public bool EnablePartitionEof { get; init; } = ConsumerDefaults.EnablePartitionEof;

    /// <summary>
    /// The bounded prefetch: the most bytes of fetched records held for the application, all partitions
    /// together (<c>queued.max.messages.kbytes</c>, in KiB there; default 64 MiB). When it is reached no
    /// partition is fetched until the application has taken records; a partition also is not fetched
    /// again while it still holds a whole <see cref="MaxPartitionFetchBytes"/> of records (R2). Memory
    /// stays under this bound plus one fetch response per broker in flight.
    /// </summary>
    public long PrefetchMaxBytes { get; init; } = ConsumerDefaults.PrefetchMaxBytes;

    /// <summary>
    /// Whether the faces mark each record processed as they go (<c>enable.auto.offset.store</c>, default true:
    /// the next record asked for, or <c>OnNext</c> returning). False: the application calls
    /// <see cref="KafkaConsumer{TKey, TValue}.Acknowledge"/> for each record, in any order, and commits take
    /// only the contiguous acknowledged prefix of each partition (R9).
    /// </summary>
    public bool EnableAutoOffsetStore { get; init; } = true;

    /// <summary>
    /// With <see cref="EnableAutoOffsetStore"/> off, the most records of one partition delivered and not yet
    /// acknowledged; the partition's records wait beyond it (<c>rxkafka.max.pending.acknowledgements</c>, default 100,000).
    /// </summary>
    public int MaxPendingAcknowledgements { get; init; } = 100_000;

    /// <summary>Whether offsets of delivered records are committed on the scheduler (<c>enable.auto.commit</c>, default true; needs <see cref="GroupId"/>).</summary>
    public bool EnableAutoCommit { get; init; } = ConsumerDefaults.EnableAutoCommit;

    /// <summary>How often offsets are committed automatically (<c>auto.commit.interval.ms</c>, default 5 s).</summary>
    public TimeSpan AutoCommitInterval { get; init; } = ConsumerDefaults.AutoCommitInterval;

    /// <summary>The rack this consumer runs in (<c>client.rack</c>), sent with fetches so a broker can name a replica in the same rack (KIP-392); empty for none.</summary>
    public string ClientRack { get; init; } = "";

    /// <summary>
    /// The static member id (<c>group.instance.id</c>, KIP-345): a member that restarts with the same id within
    /// <see cref="SessionTimeout"/> gets its partitions back without a rebalance (R6). Null for a dynamic member.
    /// </summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>How long the group coordinator waits for a heartbeat before it drops the member (<c>session.timeout.ms</c>, default 45 s).</summary>
    public TimeSpan SessionTimeout { get; init; } = ConsumerDefaults.SessionTimeout;

    /// <summary>How often the member heartbeats to the coordinator (<c>heartbeat.interval.ms</c>, default 3 s; under a third of the session timeout).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = ConsumerDefaults.HeartbeatInterval;

    /// <summary>
    /// The longest the application may hold records without taking more (<c>max.poll.interval.ms</c>, default
    /// 5 min): past it a dynamic member leaves the group so its partitions go to others, and rejoins when
    /// the application reads again. Also the rebalance timeout the member sends in JoinGroup.
    /// </summary>
    public TimeSpan MaxPollInterval { get; init; } = ConsumerDefaults.MaxPollInterval;

    /// <summary>
    /// The assignors offered in JoinGroup, most preferred first (<c>partition.assignment.strategy</c>: range,
    /// roundrobin, sticky, cooperative-sticky or Java's class names; default <c>range,cooperative-sticky</c>).
    /// The member rebalances cooperatively (KIP-429) only when every one listed is cooperative.
    /// </summary>
    public string PartitionAssignmentStrategy { get; init; } = ConsumerDefaults.PartitionAssignmentStrategy;

    /// <summary>
    /// The group protocol (<c>group.protocol</c>: classic, the default, or consumer for KIP-848, where the
    /// broker assigns and session timeout, heartbeat interval and assignors are the broker's settings).
    /// </summary>
    public GroupProtocol GroupProtocol { get; init; } = GroupProtocol.Classic;

    /// <summary>
    /// With <c>group.protocol=consumer</c>: the broker-side assignor this member asks for
    /// (<c>group.remote.assignor</c>, e.g. uniform or range); null, the default, leaves it to the broker.
    /// </summary>
    public string? GroupRemoteAssignor { get; init; }

    internal void Validate()
    {
        Check(FetchMinBytes >= 0, "fetch.min.bytes", FetchMinBytes, "must be 0 or more");
        Check(FetchMaxBytes >= 1, "fetch.max.bytes", FetchMaxBytes, "must be positive");
        Check(MaxPartitionFetchBytes >= 1, "max.partition.fetch.bytes", MaxPartitionFetchBytes, "must be positive");
        Check(FetchMaxWait >= TimeSpan.Zero && FetchMaxWait.TotalMilliseconds <= int.MaxValue, "fetch.max.wait.ms", FetchMaxWait, "must be 0 or more and fit in an int32 of milliseconds");
        Check(PrefetchMaxBytes >= 1, "queued.max.messages.kbytes", PrefetchMaxBytes, "must be positive");
        Check(MaxPendingAcknowledgements >= 1, "rxkafka.max.pending.acknowledgements", MaxPendingAcknowledgements, "must be positive");
        Check(AutoCommitInterval > TimeSpan.Zero, "auto.commit.interval.ms", AutoCommitInterval, "must be positive");
        Check(GroupId is null || GroupId.Length > 0, "group.id", GroupId, "must not be empty (leave it unset for no group)");
        Check(Enum.IsDefined(AutoOffsetReset), "auto.offset.reset", AutoOffsetReset, "is not a known value");
        Check(Enum.IsDefined(IsolationLevel), "isolation.level", IsolationLevel, "is not a known value");
        Check(GroupInstanceId is null || GroupInstanceId.Length > 0, "group.instance.id", GroupInstanceId, "must not be empty (leave it unset for a dynamic member)");
        Check(SessionTimeout > TimeSpan.Zero, "session.timeout.ms", SessionTimeout, "must be positive");
        Check(HeartbeatInterval > TimeSpan.Zero && HeartbeatInterval < SessionTimeout, "heartbeat.interval.ms", HeartbeatInterval, $"must be positive and below session.timeout.ms ({SessionTimeout.TotalMilliseconds} ms)");
        Check(MaxPollInterval > TimeSpan.Zero && MaxPollInterval.TotalMilliseconds <= int.MaxValue, "max.poll.interval.ms", MaxPollInterval, "must be positive");
        Check(Enum.IsDefined(GroupProtocol), "group.protocol", GroupProtocol, "is not a known value");
        Check(GroupRemoteAssignor is null || GroupRemoteAssignor.Length > 0, "group.remote.assignor", GroupRemoteAssignor, "must not be empty (leave it unset for the broker's default)");
        _ = Assignment.AssignmentStrategies.Parse(PartitionAssignmentStrategy);

        static void Check(bool ok, string name, object? value, string what)
        {
            if (!ok)
            {
                throw new KafkaConfigException(name, $"{value} {what}");
            }
        }
    }
}
