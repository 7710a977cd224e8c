namespace RxKafka.Consumer;

/// <summary>The consumer's defaults: the Java client's (Kafka 4.0) where it has the setting, librdkafka's otherwise.</summary>
internal static class ConsumerDefaults
{
    public const int FetchMinBytes = 1;
    public const int FetchMaxBytes = 52_428_800;
    public const int MaxPartitionFetchBytes = 1_048_576;
    public static readonly TimeSpan FetchMaxWait = TimeSpan.FromMilliseconds(500);
    public const AutoOffsetReset OffsetReset = AutoOffsetReset.Latest;
    public const IsolationLevel Isolation = IsolationLevel.ReadUncommitted;
    public const bool EnableAutoCommit = true;
    public static readonly TimeSpan AutoCommitInterval = TimeSpan.FromSeconds(5);
    public const bool CheckCrcs = true;
    public const bool EnablePartitionEof = false;

    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(45);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromMinutes(5);

    // Java's default since Kafka 3.0: range first (every member understands it), cooperative-sticky for the upgrade.
    public const string PartitionAssignmentStrategy = "range,cooperative-sticky";

    // librdkafka's queued.max.messages.kbytes: 64 MiB of fetched records held for the application at most.
    public const long PrefetchMaxBytes = 64L * 1024 * 1024;
}
