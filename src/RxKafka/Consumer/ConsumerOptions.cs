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

    /// <summary>Whether offsets of delivered records are committed on the scheduler (<c>enable.auto.commit</c>, default true; needs <see cref="GroupId"/>).</summary>
    public bool EnableAutoCommit { get; init; } = ConsumerDefaults.EnableAutoCommit;

    /// <summary>How often offsets are committed automatically (<c>auto.commit.interval.ms</c>, default 5 s).</summary>
    public TimeSpan AutoCommitInterval { get; init; } = ConsumerDefaults.AutoCommitInterval;

    /// <summary>The rack this consumer runs in (<c>client.rack</c>), sent with fetches so a broker can name a replica in the same rack (KIP-392); empty for none.</summary>
    public string ClientRack { get; init; } = "";

    internal void Validate()
    {
        Check(FetchMinBytes >= 0, "fetch.min.bytes", FetchMinBytes, "must be 0 or more");
        Check(FetchMaxBytes >= 1, "fetch.max.bytes", FetchMaxBytes, "must be positive");
        Check(MaxPartitionFetchBytes >= 1, "max.partition.fetch.bytes", MaxPartitionFetchBytes, "must be positive");
        Check(FetchMaxWait >= TimeSpan.Zero && FetchMaxWait.TotalMilliseconds <= int.MaxValue, "fetch.max.wait.ms", FetchMaxWait, "must be 0 or more and fit in an int32 of milliseconds");
        Check(PrefetchMaxBytes >= 1, "queued.max.messages.kbytes", PrefetchMaxBytes, "must be positive");
        Check(AutoCommitInterval > TimeSpan.Zero, "auto.commit.interval.ms", AutoCommitInterval, "must be positive");
        Check(GroupId is null || GroupId.Length > 0, "group.id", GroupId, "must not be empty (leave it unset for no group)");
        Check(Enum.IsDefined(AutoOffsetReset), "auto.offset.reset", AutoOffsetReset, "is not a known value");
        Check(Enum.IsDefined(IsolationLevel), "isolation.level", IsolationLevel, "is not a known value");

        static void Check(bool ok, string name, object? value, string what)
        {
            if (!ok)
            {
                throw new KafkaConfigException(name, $"{value} {what}");
            }
        }
    }
}
