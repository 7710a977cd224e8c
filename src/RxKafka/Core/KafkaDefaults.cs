namespace RxKafka;

/// <summary>
/// Every default of the client's, connection's and socket's options, written once. The options records
/// initialise their properties from here, the layers below (connection, socket) take theirs from here,
/// and docs/options.md lists the same values (a test compares the table with these). The producer's
/// are in <see cref="Producer.ProducerDefaults"/>: they name the producer's types (<c>Acks</c>), and core
/// names nothing above it.
/// </summary>
/// <remarks>
/// Where Kafka's Java client has the setting, its default is used (Kafka 4.0); where only librdkafka
/// has it, librdkafka's; RxKafka's own settings say why they are what they are.
/// </remarks>
internal static class KafkaDefaults
{
    // ---------------------------------------------------------------- client (KafkaClientOptions)

    /// <summary><c>client.id</c>.</summary>
    public const string ClientId = "rxkafka";

    /// <summary><c>metadata.max.age.ms</c>.</summary>
    public static readonly TimeSpan MetadataMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>request.timeout.ms</c>: the Java client's 30 s for producer, consumer and admin alike. It was
    /// 40 s in the client (aiokafka's value) and 30 s in the producer; now one setting, one value.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>retry.backoff.ms</c>.</summary>
    public static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary><c>retry.backoff.max.ms</c>.</summary>
    public static readonly TimeSpan RetryBackoffMax = TimeSpan.FromSeconds(1);

    /// <summary><c>reconnect.backoff.ms</c>.</summary>
    public static readonly TimeSpan ReconnectBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary><c>reconnect.backoff.max.ms</c>.</summary>
    public static readonly TimeSpan ReconnectBackoffMax = TimeSpan.FromSeconds(1);

    /// <summary><c>rxkafka.backoff.jitter</c>: Kafka's fixed ±20 %.</summary>
    public const double BackoffJitter = 0.2;

    /// <summary><c>connections.max.idle.ms</c>.</summary>
    public static readonly TimeSpan ConnectionsMaxIdle = TimeSpan.FromMinutes(9);

    /// <summary><c>socket.connection.setup.timeout.ms</c>: DNS, TCP connect and TLS handshake.</summary>
    public static readonly TimeSpan SocketConnectionSetupTimeout = TimeSpan.FromSeconds(10);

    /// <summary><c>rxkafka.connection.setup.timeout.ms</c>: negotiation and SASL; a request timeout's worth.</summary>
    public static readonly TimeSpan ConnectionSetupTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>security.protocol</c>.</summary>
    public const SecurityProtocol SecurityProtocol = RxKafka.SecurityProtocol.Plaintext;

    /// <summary><c>allow.auto.create.topics</c>.</summary>
    public const bool AllowAutoTopicCreation = true;

    /// <summary><c>rxkafka.metadata.all.topics</c>: the cluster view and its change stream see every topic.</summary>
    public const bool MetadataAllTopics = true;

    /// <summary><c>api.version</c>: detect the broker's release.</summary>
    public const string ApiVersion = "auto";

    /// <summary><c>rxkafka.connections.by.workload</c>: a long Fetch or JoinGroup never delays a Produce.</summary>
    public const bool SeparateConnectionsByWorkload = true;

    /// <summary><c>receive.message.max.bytes</c> (librdkafka's setting and its 100 MB-ish bound; 100 MiB here).</summary>
    public const int MaxFrameSize = 100 * 1024 * 1024;

    /// <summary>
    /// Not a setting: the largest request a connection writes, the broker's own default
    /// <c>socket.request.max.bytes</c> (100 MiB), above which a broker drops the connection. What
    /// bounds a Produce request is the producer's <c>max.request.size</c>, which may not exceed this.
    /// </summary>
    public const int ConnectionMaxRequestSize = 100 * 1024 * 1024;

    /// <summary>Not a setting: re-authenticate at this fraction of the SASL session lifetime (KIP-368 leaves the margin to the client).</summary>
    public const double ReauthenticationFraction = 0.9;

    // ---------------------------------------------------------------- socket (SocketOptions)

    /// <summary><c>socket.nagle.disable</c>: requests go out at once.</summary>
    public const bool SocketNoDelay = true;

    /// <summary><c>socket.keepalive.enable</c>: a vanished broker is noticed while idle.</summary>
    public const bool SocketKeepAlive = true;

    /// <summary>TCP_KEEPIDLE.</summary>
    public static readonly TimeSpan SocketKeepAliveTime = TimeSpan.FromSeconds(30);

    /// <summary>TCP_KEEPINTVL.</summary>
    public static readonly TimeSpan SocketKeepAliveInterval = TimeSpan.FromSeconds(10);

    /// <summary>TCP_KEEPCNT.</summary>
    public const int SocketKeepAliveRetryCount = 9;
}
