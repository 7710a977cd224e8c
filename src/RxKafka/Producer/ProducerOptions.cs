using System.Globalization;
using RxKafka.Client;
using RxKafka.Protocol;

namespace RxKafka.Producer;

/// <summary>
/// Options of a producer: batching, delivery and idempotence. Immutable; change with <c>with</c>.
/// Defaults are the Java client's (Kafka 4.0). The client underneath (bootstrap servers, security,
/// <c>request.timeout.ms</c>, backoffs, scheduler) is <see cref="Client"/>: settings Kafka keeps once for
/// every client (such as <c>request.timeout.ms</c>) live there only, so no producer setting shadows one.
/// </summary>
public sealed record ProducerOptions
{
    internal const string AcksConfig = "acks";
    internal const string LingerConfig = "linger.ms";
    internal const string BatchSizeConfig = "batch.size";
    internal const string CompressionTypeConfig = "compression.type";
    internal const string CompressionLevelConfig = "compression.level";
    internal const string MaxInFlightConfig = "max.in.flight.requests.per.connection";
    internal const string MaxRequestSizeConfig = "max.request.size";
    internal const string BufferMemoryConfig = "buffer.memory";
    internal const string MaxBlockConfig = "max.block.ms";
    internal const string DeliveryTimeoutConfig = "delivery.timeout.ms";
    internal const string RetriesConfig = "retries";
    internal const string EnableIdempotenceConfig = "enable.idempotence";
    internal const string TransactionalIdConfig = "transactional.id";
    internal const string TransactionTimeoutConfig = "transaction.timeout.ms";
    internal const string ErrorsAsReportsConfig = "rxkafka.delivery.errors.as.reports";
    internal const string PartitionerConfig = "partitioner";

    /// <summary>
    /// The client the producer runs on: bootstrap servers, security, metadata, <c>request.timeout.ms</c>,
    /// backoffs, scheduler. A producer made on a shared <see cref="KafkaClient"/> runs with that client's
    /// options instead: leave this unset then (or equal to the client's); a different value is a
    /// <see cref="KafkaConfigException"/>, not silently replaced.
    /// </summary>
    public KafkaClientOptions Client { get; init; } = new();

    /// <summary>Acknowledgements the broker waits for (<c>acks</c>: 0, 1, all or -1; default all).</summary>
    public Acks Acks { get; init; } = ProducerDefaults.Acks;

    /// <summary>How long a batch waits for more records before it is sent (<c>linger.ms</c>, default 5 ms; 0 sends at once).</summary>
    public TimeSpan Linger { get; init; } = ProducerDefaults.Linger;

    /// <summary>The size a batch is sent at, in bytes of records before compression (<c>batch.size</c>, default 16,384).</summary>
    public int BatchSize { get; init; } = ProducerDefaults.BatchSize;

    /// <summary>The codec of every batch (<c>compression.type</c>: none, gzip, snappy, lz4, zstd; default none).</summary>
    public CompressionType CompressionType { get; init; } = ProducerDefaults.CompressionType;

    /// <summary>The codec's level (<c>compression.level</c>), or null for the codec's default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Produce requests in flight per broker connection (<c>max.in.flight.requests.per.connection</c>, default 5; at most 5 with idempotence).</summary>
    public int MaxInFlightRequestsPerConnection { get; init; } = ProducerDefaults.MaxInFlightRequestsPerConnection;

    /// <summary>
    /// The largest Produce request, and so the largest record (<c>max.request.size</c>, default 1 MiB). A
    /// larger record fails before it is sent. A producer setting, as in the Java client; at most 100 MiB,
    /// the broker's default <c>socket.request.max.bytes</c>, which is every connection's own limit.
    /// </summary>
    public int MaxRequestSize { get; init; } = ProducerDefaults.MaxRequestSize;

    /// <summary>Bytes of records the producer may hold before sends wait (<c>buffer.memory</c>, default 32 MiB).</summary>
    public long BufferMemory { get; init; } = ProducerDefaults.BufferMemory;

    /// <summary>How long a send may wait for buffer memory or for an unknown topic's metadata (<c>max.block.ms</c>, default 60 s).</summary>
    public TimeSpan MaxBlock { get; init; } = ProducerDefaults.MaxBlock;

    /// <summary>
    /// How long after a record is accepted it may still be delivered, retries included
    /// (<c>delivery.timeout.ms</c>, default 120 s); at least <see cref="Linger"/> + the client's
    /// <see cref="KafkaClientOptions.RequestTimeout"/>.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; init; } = ProducerDefaults.DeliveryTimeout;

    /// <summary>How many times a failed batch is retried (<c>retries</c>, default <see cref="int.MaxValue"/>: <see cref="DeliveryTimeout"/> is the bound).</summary>
    public int Retries { get; init; } = ProducerDefaults.Retries;

    /// <summary>
    /// Idempotence (<c>enable.idempotence</c>): null (the default) turns it on unless other settings
    /// rule it out (acks other than all, more than 5 in flight, no retries), as the Java client does;
    /// true demands it and makes those settings an error; false turns it off.
    /// </summary>
    public bool? EnableIdempotence { get; init; }

    /// <summary>
    /// The transactional id (<c>transactional.id</c>, KIP-98), or null (the default) for a producer without
    /// transactions. Set, the producer is transactional: it must call <c>InitTransactionsAsync</c> once, then
    /// sends records only inside a transaction (<c>BeginTransaction</c> ... <c>CommitTransactionAsync</c> or
    /// <c>AbortTransactionAsync</c>). It implies idempotence: <see cref="EnableIdempotence"/> false, acks other
    /// than all, more than 5 in flight or no retries are a <see cref="KafkaConfigException"/>. A second producer
    /// with the same id fences this one (docs/transactions.md).
    /// </summary>
    public string? TransactionalId { get; init; }

    /// <summary>
    /// How long the transaction coordinator lets a transaction of this producer stay open before it aborts it
    /// and fences the producer (<c>transaction.timeout.ms</c>, default 60 s; at most the broker's
    /// <c>transaction.max.timeout.ms</c>, 15 min by default). Sent with InitProducerId.
    /// </summary>
    public TimeSpan TransactionTimeout { get; init; } = ProducerDefaults.TransactionTimeout;

    /// <summary>Whether this producer is transactional (<see cref="TransactionalId"/> is set).</summary>
    public bool IsTransactional => TransactionalId is not null;

    /// <summary>
    /// Whether a record that cannot be delivered is reported as a failed <c>DeliveryReport</c> on
    /// the observable face (true, the default) or ends that stream with <c>OnError</c>
    /// (<c>rxkafka.delivery.errors.as.reports</c>).
    /// </summary>
    public bool DeliveryErrorsAsReports { get; init; } = ProducerDefaults.DeliveryErrorsAsReports;

    /// <summary>
    /// How a record that names no partition gets one (<c>partitioner</c>, librdkafka's names: murmur2_random,
    /// murmur2, consistent_random, consistent, fnv1a_random, fnv1a, random; default murmur2_random, the Java
    /// client's). A keyed record goes where librdkafka puts the same key (see <see cref="Producer.Partitioner"/>).
    /// An <see cref="Partitioning.IPartitioner"/> passed to the producer replaces this; setting both is a
    /// <see cref="KafkaConfigException"/>.
    /// </summary>
    public Partitioner Partitioner { get; init; } = ProducerDefaults.Partitioner;

    /// <summary>Whether this producer is idempotent once <see cref="EnableIdempotence"/> and the other settings are taken together.</summary>
    public bool IsIdempotent => IsTransactional || (EnableIdempotence ?? (Acks == Acks.All && MaxInFlightRequestsPerConnection <= 5 && Retries > 0));

    /// <summary>
    /// Options from Kafka's config names: the client's (see <see cref="KafkaClientOptions.FromConfig(IEnumerable{KeyValuePair{string, string}}, System.Reactive.Concurrency.IScheduler?, bool)"/>)
    /// and <c>acks</c>, <c>linger.ms</c>, <c>batch.size</c>, <c>compression.type</c>, <c>compression.level</c>,
    /// <c>max.in.flight.requests.per.connection</c>, <c>max.request.size</c>, <c>buffer.memory</c>,
    /// <c>max.block.ms</c>, <c>delivery.timeout.ms</c>, <c>retries</c>,
    /// <c>enable.idempotence</c>, <c>transactional.id</c>, <c>transaction.timeout.ms</c>, <c>partitioner</c>,
    /// <c>rxkafka.delivery.errors.as.reports</c>. <c>request.timeout.ms</c> is the client's, read into
    /// <see cref="Client"/>.
    /// </summary>
    /// <param name="config">The settings, name and value: a dictionary, or any sequence of pairs (a later pair overrides an earlier one).</param>
    /// <param name="scheduler">The scheduler for every timer; the default scheduler when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads (settings meant for other clients) instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown (the message names the nearest known one), or a value is malformed, out of range, or conflicts with another; the message names the setting.</exception>
    public static ProducerOptions FromConfig(IEnumerable<KeyValuePair<string, string>> config, System.Reactive.Concurrency.IScheduler? scheduler = null, bool ignoreUnknown = false)
    {
        var settings = ConfigValues.Collect(config);
        ConfigNames.CheckKnown(settings.Keys, ignoreUnknown);
        return Read(settings, scheduler);
    }

    /// <summary>
    /// <see cref="FromConfig(IEnumerable{KeyValuePair{string, string}}, System.Reactive.Concurrency.IScheduler?, bool)"/> for a
    /// dictionary, so that <c>FromConfig(new() { ["bootstrap.servers"] = "..." })</c> compiles.
    /// </summary>
    /// <param name="config">The settings, name to value.</param>
    /// <param name="scheduler">The scheduler for every timer; the default scheduler when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown, or a value is malformed, out of range, or conflicts with another.</exception>
    public static ProducerOptions FromConfig(Dictionary<string, string> config, System.Reactive.Concurrency.IScheduler? scheduler = null, bool ignoreUnknown = false)
        => FromConfig((IEnumerable<KeyValuePair<string, string>>)config, scheduler, ignoreUnknown);

    private static ProducerOptions Read(IReadOnlyDictionary<string, string> config, System.Reactive.Concurrency.IScheduler? scheduler)
    {
        var options = new ProducerOptions { Client = KafkaClientOptions.Read(config, scheduler) };
        if (ConfigValues.Text(config, AcksConfig) is { } acks)
        {
            options = options with
            {
                Acks = acks.Trim().ToLowerInvariant() switch
                {
                    "all" or "-1" => Acks.All,
                    "1" => Acks.Leader,
                    "0" => Acks.None,
                    _ => throw new KafkaConfigException(AcksConfig, $"'{acks}' is not one of all, -1, 0, 1"),
                },
            };
        }

        if (ConfigValues.Int32(config, LingerConfig, 0, int.MaxValue) is { } linger)
        {
            options = options with { Linger = TimeSpan.FromMilliseconds(linger) };
        }

        if (ConfigValues.Int32(config, BatchSizeConfig, 0, int.MaxValue) is { } batchSize)
        {
            options = options with { BatchSize = batchSize };
        }

        if (ConfigValues.Text(config, CompressionTypeConfig) is { } codec)
        {
            options = options with { CompressionType = ParseCompression(codec) };
        }

        if (ConfigValues.Text(config, CompressionLevelConfig) is { } level)
        {
            options = options with
            {
                CompressionLevel = int.TryParse(level.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw new KafkaConfigException(CompressionLevelConfig, $"'{level}' is not a whole number"),
            };
        }

        if (ConfigValues.Int32(config, MaxInFlightConfig, 1, int.MaxValue) is { } inFlight)
        {
            options = options with { MaxInFlightRequestsPerConnection = inFlight };
        }

        if (ConfigValues.Int32(config, MaxRequestSizeConfig, 1, KafkaDefaults.ConnectionMaxRequestSize) is { } maxRequest)
        {
            options = options with { MaxRequestSize = maxRequest };
        }

        if (ConfigValues.Text(config, BufferMemoryConfig) is { } memory)
        {
            options = options with
            {
                BufferMemory = long.TryParse(memory.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) && m > 0
                    ? m
                    : throw new KafkaConfigException(BufferMemoryConfig, $"'{memory}' is not a positive whole number of bytes"),
            };
        }

        if (ConfigValues.Milliseconds(config, MaxBlockConfig, allowInfinite: false) is { } maxBlock)
        {
            options = options with { MaxBlock = maxBlock };
        }

        if (ConfigValues.Milliseconds(config, DeliveryTimeoutConfig, allowInfinite: false) is { } delivery)
        {
            options = options with { DeliveryTimeout = delivery };
        }

        if (ConfigValues.Int32(config, RetriesConfig, 0, int.MaxValue) is { } retries)
        {
            options = options with { Retries = retries };
        }

        if (ConfigValues.Boolean(config, EnableIdempotenceConfig) is { } idempotence)
        {
            options = options with { EnableIdempotence = idempotence };
        }

        if (ConfigValues.Text(config, PartitionerConfig) is { } partitioner)
        {
            options = options with { Partitioner = Partitioners.Parse(partitioner) };
        }

        if (ConfigValues.Boolean(config, ErrorsAsReportsConfig) is { } asReports)
        {
            options = options with { DeliveryErrorsAsReports = asReports };
        }

        if (ConfigValues.Text(config, TransactionalIdConfig) is { } transactionalId)
        {
            // Kafka reads an empty transactional.id as none.
            options = options with { TransactionalId = transactionalId.Length == 0 ? null : transactionalId };
        }

        if (ConfigValues.Milliseconds(config, TransactionTimeoutConfig, allowInfinite: false) is { } transactionTimeout)
        {
            options = options with { TransactionTimeout = transactionTimeout };
        }

        options.Validate();
        return options;
    }

    /// <summary>The codec named by Kafka's <c>compression.type</c> values (none, gzip, snappy, lz4, zstd; any case).</summary>
    /// <exception cref="KafkaConfigException">Another name.</exception>
    public static CompressionType ParseCompression(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "none" or "" => CompressionType.None,
            "gzip" => CompressionType.Gzip,
            "snappy" => CompressionType.Snappy,
            "lz4" => CompressionType.Lz4,
            "zstd" => CompressionType.Zstd,
            _ => throw new KafkaConfigException(CompressionTypeConfig, $"'{name}' is not one of none, gzip, snappy, lz4, zstd"),
        };
    }

    /// <summary>
    /// These options on a shared client: <see cref="Client"/> becomes <paramref name="client"/>. A
    /// <see cref="Client"/> setting changed from its default to something other than the shared client's
    /// value would be silently lost, so it is an error naming the settings instead.
    /// </summary>
    /// <exception cref="KafkaConfigException">Some client setting differs; the message lists which.</exception>
    internal ProducerOptions OnSharedClient(KafkaClientOptions client)
    {
        ArgumentNullException.ThrowIfNull(Client);
        if (ReferenceEquals(Client, client) || Client == client)
        {
            return this;
        }

        var defaults = new KafkaClientOptions();
        var conflicts = typeof(KafkaClientOptions).GetProperties()
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Where(p => !Same(p.GetValue(Client), p.GetValue(client)) && !Same(p.GetValue(Client), p.GetValue(defaults)))
            .Select(p => p.Name)
            .ToArray();
        if (conflicts.Length > 0)
        {
            throw new KafkaConfigException(
                $"{nameof(ProducerOptions)}.{nameof(Client)}",
                $"the producer runs on a shared KafkaClient, whose options apply, but {string.Join(", ", conflicts)} differ from that client's; "
                + "set them on the client's KafkaClientOptions, or leave ProducerOptions.Client unset");
        }

        return this with { Client = client };
    }

    // Lists (bootstrap servers) compare by content: two parses of one config are the same setting.
    private static bool Same(object? a, object? b) =>
        Equals(a, b) || (a is System.Collections.IEnumerable x && b is System.Collections.IEnumerable y && x.Cast<object?>().SequenceEqual(y.Cast<object?>()));

    /// <summary>Checks the settings together, as the Java client does when a producer is made.</summary>
    /// <exception cref="KafkaConfigException">A value is out of range or conflicts with another; the message names the setting.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Client);
        if (Linger < TimeSpan.Zero || Linger.TotalMilliseconds > int.MaxValue)
        {
            throw new KafkaConfigException(LingerConfig, $"{Linger.TotalMilliseconds} ms is out of range (0 to {int.MaxValue} ms)");
        }

        ConfigValues.CheckDuration(MaxBlock, MaxBlockConfig, allowInfinite: false);
        ConfigValues.CheckDuration(DeliveryTimeout, DeliveryTimeoutConfig, allowInfinite: false);
        if (BatchSize < 0)
        {
            throw new KafkaConfigException(BatchSizeConfig, $"{BatchSize} is out of range (0 to {int.MaxValue})");
        }

        if (MaxInFlightRequestsPerConnection < 1)
        {
            throw new KafkaConfigException(MaxInFlightConfig, $"{MaxInFlightRequestsPerConnection} is out of range (1 to {int.MaxValue})");
        }

        // A connection refuses requests over the broker's default socket.request.max.bytes; a larger
        // max.request.size could only fail later, at the socket, so it is refused here.
        ConfigValues.CheckRange(MaxRequestSize, MaxRequestSizeConfig, 1, KafkaDefaults.ConnectionMaxRequestSize);

        if (BufferMemory < MaxRequestSize)
        {
            throw new KafkaConfigException(BufferMemoryConfig, $"{BufferMemory} bytes is less than max.request.size ({MaxRequestSize}): the largest record could never be buffered");
        }

        if (Retries < 0)
        {
            throw new KafkaConfigException(RetriesConfig, $"{Retries} is out of range (0 to {int.MaxValue})");
        }

        if (DeliveryTimeout < Linger + Client.RequestTimeout)
        {
            throw new KafkaConfigException(DeliveryTimeoutConfig, $"{DeliveryTimeout.TotalMilliseconds} ms must be at least linger.ms + request.timeout.ms ({(Linger + Client.RequestTimeout).TotalMilliseconds} ms)");
        }

        if (!Enum.IsDefined(Partitioner))
        {
            throw new KafkaConfigException(PartitionerConfig, $"{(int)Partitioner} is not a {nameof(Producer.Partitioner)} value; use one of {string.Join(", ", Partitioners.ConfigValues)}");
        }

        if (IsTransactional)
        {
            if (TransactionalId!.Length == 0)
            {
                throw new KafkaConfigException(TransactionalIdConfig, "an empty transactional id is not valid; leave it null for a producer without transactions");
            }

            if (EnableIdempotence == false)
            {
                throw new KafkaConfigException(EnableIdempotenceConfig, $"transactional.id '{TransactionalId}' needs idempotence; leave enable.idempotence unset or true");
            }

            if (TransactionTimeout <= TimeSpan.Zero || TransactionTimeout.TotalMilliseconds > int.MaxValue)
            {
                throw new KafkaConfigException(TransactionTimeoutConfig, $"{TransactionTimeout.TotalMilliseconds} ms is out of range (1 to {int.MaxValue} ms)");
            }
        }

        if (EnableIdempotence == true || IsTransactional)
        {
            // A transactional producer is idempotent whatever enable.idempotence says (Java's rule).
            var who = IsTransactional ? $"a transactional producer (transactional.id '{TransactionalId}') is idempotent, which" : "idempotence";
            if (Acks != Acks.All)
            {
                throw new KafkaConfigException(AcksConfig, $"{who} needs acks=all, not {(short)Acks}" + (IsTransactional ? "" : "; set enable.idempotence=false to use it"));
            }

            if (MaxInFlightRequestsPerConnection > 5)
            {
                throw new KafkaConfigException(MaxInFlightConfig, $"{who} allows at most 5 requests in flight, not {MaxInFlightRequestsPerConnection}");
            }

            if (Retries == 0)
            {
                throw new KafkaConfigException(RetriesConfig, $"{who} needs retries greater than 0");
            }
        }
    }
}
