using System.Reactive.Concurrency;
using RxKafka.Client;

namespace RxKafka.Consumer;

// Kafka's config names for the consumer's options (Java's names, and librdkafka's where they differ).
public sealed partial record ConsumerOptions
{
    internal const string GroupIdConfig = "group.id";
    internal const string FetchMinBytesConfig = "fetch.min.bytes";
    internal const string FetchMaxBytesConfig = "fetch.max.bytes";
    internal const string MaxPartitionFetchBytesConfig = "max.partition.fetch.bytes";
    internal const string FetchMaxWaitConfig = "fetch.max.wait.ms";
    internal const string FetchWaitMaxConfig = "fetch.wait.max.ms";
    internal const string AutoOffsetResetConfig = "auto.offset.reset";
    internal const string IsolationLevelConfig = "isolation.level";
    internal const string CheckCrcsConfig = "check.crcs";
    internal const string EnablePartitionEofConfig = "enable.partition.eof";
    internal const string QueuedMaxKbytesConfig = "queued.max.messages.kbytes";
    internal const string EnableAutoCommitConfig = "enable.auto.commit";
    internal const string AutoCommitIntervalConfig = "auto.commit.interval.ms";
    internal const string ClientRackConfig = "client.rack";
    internal const string GroupInstanceIdConfig = "group.instance.id";
    internal const string SessionTimeoutConfig = "session.timeout.ms";
    internal const string HeartbeatIntervalConfig = "heartbeat.interval.ms";
    internal const string MaxPollIntervalConfig = "max.poll.interval.ms";
    internal const string AssignmentStrategyConfig = "partition.assignment.strategy";
    internal const string GroupProtocolConfig = "group.protocol";
    internal const string GroupRemoteAssignorConfig = "group.remote.assignor";
    internal const string EnableAutoOffsetStoreConfig = "enable.auto.offset.store";
    internal const string MaxPendingAcknowledgementsConfig = "rxkafka.max.pending.acknowledgements";

    /// <summary>
    /// Options from Kafka's config names: the client's (see <see cref="KafkaClientOptions.FromConfig(IEnumerable{KeyValuePair{string, string}}, IScheduler?, bool)"/>)
    /// and <c>group.id</c>, <c>fetch.min.bytes</c>, <c>fetch.max.bytes</c>, <c>max.partition.fetch.bytes</c>,
    /// <c>fetch.max.wait.ms</c> (or librdkafka's <c>fetch.wait.max.ms</c>), <c>auto.offset.reset</c>
    /// (earliest, latest, none; librdkafka's smallest, beginning, largest, end and error too),
    /// <c>isolation.level</c>, <c>check.crcs</c>, <c>enable.partition.eof</c>, <c>queued.max.messages.kbytes</c>,
    /// <c>enable.auto.commit</c>, <c>auto.commit.interval.ms</c>, <c>client.rack</c>, <c>group.instance.id</c>,
    /// <c>session.timeout.ms</c>, <c>heartbeat.interval.ms</c>, <c>max.poll.interval.ms</c>, <c>partition.assignment.strategy</c>, <c>group.protocol</c>, <c>group.remote.assignor</c>,
    /// <c>enable.auto.offset.store</c>, <c>rxkafka.max.pending.acknowledgements</c>.
    /// </summary>
    /// <param name="config">The settings, name and value: a dictionary, or any sequence of pairs (a later pair overrides an earlier one).</param>
    /// <param name="scheduler">The scheduler for every timer; the default scheduler when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown (the message names the nearest known one), or a value is malformed, out of range, or conflicts with another; the message names the setting.</exception>
    public static ConsumerOptions FromConfig(IEnumerable<KeyValuePair<string, string>> config, IScheduler? scheduler = null, bool ignoreUnknown = false)
    {
        var settings = ConfigValues.Collect(config);
        ConfigNames.CheckKnown(settings.Keys, ignoreUnknown);
        var options = Read(settings, scheduler);
        options.Validate();
        return options;
    }

    /// <summary>
    /// <see cref="FromConfig(IEnumerable{KeyValuePair{string, string}}, IScheduler?, bool)"/> for a dictionary,
    /// so that <c>FromConfig(new() { ["bootstrap.servers"] = "..." })</c> compiles.
    /// </summary>
    /// <param name="config">The settings, name to value.</param>
    /// <param name="scheduler">The scheduler for every timer; the default scheduler when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown, or a value is malformed, out of range, or conflicts with another.</exception>
    public static ConsumerOptions FromConfig(Dictionary<string, string> config, IScheduler? scheduler = null, bool ignoreUnknown = false)
        => FromConfig((IEnumerable<KeyValuePair<string, string>>)config, scheduler, ignoreUnknown);

    private static ConsumerOptions Read(IReadOnlyDictionary<string, string> config, IScheduler? scheduler)
    {
        var options = new ConsumerOptions { Client = KafkaClientOptions.Read(config, scheduler) };
        if (ConfigValues.Text(config, GroupIdConfig) is { } group)
        {
            options = options with { GroupId = group.Length == 0 ? null : group };
        }

        if (ConfigValues.Int32(config, FetchMinBytesConfig, 0, int.MaxValue) is { } minBytes)
        {
            options = options with { FetchMinBytes = minBytes };
        }

        if (ConfigValues.Int32(config, FetchMaxBytesConfig, 1, int.MaxValue) is { } maxBytes)
        {
            options = options with { FetchMaxBytes = maxBytes };
        }

        if (ConfigValues.Int32(config, MaxPartitionFetchBytesConfig, 1, int.MaxValue) is { } partitionBytes)
        {
            options = options with { MaxPartitionFetchBytes = partitionBytes };
        }

        if (config.ContainsKey(FetchMaxWaitConfig) && config.ContainsKey(FetchWaitMaxConfig))
        {
            throw new KafkaConfigException(FetchWaitMaxConfig, $"is librdkafka's name for {FetchMaxWaitConfig}: set one of them");
        }

        if ((ConfigValues.Milliseconds(config, FetchMaxWaitConfig, allowInfinite: false) ?? ConfigValues.Milliseconds(config, FetchWaitMaxConfig, allowInfinite: false)) is { } wait)
        {
            options = options with { FetchMaxWait = wait };
        }

        if (ConfigValues.Text(config, AutoOffsetResetConfig) is { } reset)
        {
            options = options with
            {
                AutoOffsetReset = reset.Trim().ToLowerInvariant() switch
                {
                    "latest" or "largest" or "end" => AutoOffsetReset.Latest,
                    "earliest" or "smallest" or "beginning" => AutoOffsetReset.Earliest,
                    "none" or "error" => AutoOffsetReset.None,
                    _ => throw new KafkaConfigException(AutoOffsetResetConfig, $"'{reset}' is not one of earliest, latest, none (or librdkafka's smallest, beginning, largest, end, error)"),
                },
            };
        }

        if (ConfigValues.Text(config, IsolationLevelConfig) is { } isolation)
        {
            options = options with
            {
                IsolationLevel = isolation.Trim().ToLowerInvariant() switch
                {
                    "read_uncommitted" => IsolationLevel.ReadUncommitted,
                    "read_committed" => IsolationLevel.ReadCommitted,
                    _ => throw new KafkaConfigException(IsolationLevelConfig, $"'{isolation}' is not one of read_uncommitted, read_committed"),
                },
            };
        }

        if (ConfigValues.Boolean(config, CheckCrcsConfig) is { } crcs)
        {
            options = options with { CheckCrcs = crcs };
        }

        if (ConfigValues.Boolean(config, EnablePartitionEofConfig) is { } eof)
        {
            options = options with { EnablePartitionEof = eof };
        }

        if (ConfigValues.Int32(config, QueuedMaxKbytesConfig, 1, 2_097_151) is { } kbytes)
        {
            options = options with { PrefetchMaxBytes = kbytes * 1024L };
        }

        if (ConfigValues.Boolean(config, EnableAutoCommitConfig) is { } autoCommit)
        {
            options = options with { EnableAutoCommit = autoCommit };
        }

        if (ConfigValues.Milliseconds(config, AutoCommitIntervalConfig, allowInfinite: false) is { } interval)
        {
            options = options with { AutoCommitInterval = interval };
        }

        if (ConfigValues.Text(config, ClientRackConfig) is { } rack)
        {
            options = options with { ClientRack = rack };
        }

        if (ConfigValues.Text(config, GroupInstanceIdConfig) is { } instance)
        {
            options = options with { GroupInstanceId = instance.Length == 0 ? null : instance };
        }

        if (ConfigValues.Milliseconds(config, SessionTimeoutConfig, allowInfinite: false) is { } session)
        {
            options = options with { SessionTimeout = session };
        }

        if (ConfigValues.Milliseconds(config, HeartbeatIntervalConfig, allowInfinite: false) is { } heartbeat)
        {
            options = options with { HeartbeatInterval = heartbeat };
        }

        if (ConfigValues.Milliseconds(config, MaxPollIntervalConfig, allowInfinite: false) is { } maxPoll)
        {
            options = options with { MaxPollInterval = maxPoll };
        }

        if (ConfigValues.Text(config, AssignmentStrategyConfig) is { } strategy)
        {
            options = options with { PartitionAssignmentStrategy = strategy };
        }

        if (ConfigValues.Boolean(config, EnableAutoOffsetStoreConfig) is { } store)
        {
            options = options with { EnableAutoOffsetStore = store };
        }

        if (ConfigValues.Int32(config, MaxPendingAcknowledgementsConfig, 1, int.MaxValue) is { } pending)
        {
            options = options with { MaxPendingAcknowledgements = pending };
        }

        if (ConfigValues.Text(config, GroupProtocolConfig) is { } protocol)
        {
            options = options with
            {
                GroupProtocol = protocol.Trim().ToLowerInvariant() switch
                {
                    "classic" => GroupProtocol.Classic,
                    "consumer" => GroupProtocol.Consumer,
                    _ => throw new KafkaConfigException(GroupProtocolConfig, $"'{protocol}' is not one of classic, consumer"),
                },
            };
        }

        if (ConfigValues.Text(config, GroupRemoteAssignorConfig) is { } assignor)
        {
            options = options with { GroupRemoteAssignor = assignor.Trim() };
        }

        return options;
    }
}
