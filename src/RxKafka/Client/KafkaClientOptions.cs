using System.Reactive.Concurrency;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using RxKafka.Network;
using RxKafka.Network.Sasl;
using RxKafka.Network.Transports;
using RxKafka.Reactive;

namespace RxKafka.Client;

/// <summary>
/// Options of a <c>KafkaClient</c>: where the cluster is, how connections are secured, and the timings
/// of metadata, requests, retries and reconnects. Immutable; change with <c>with</c>. Defaults are the
/// Java client's unless a property says otherwise; <see cref="FromConfig(IEnumerable{KeyValuePair{string, string}}, IScheduler?, bool)"/>
/// reads Kafka's own config names.
/// </summary>
public sealed partial record KafkaClientOptions
{
    /// <summary>
    /// The brokers contacted first to learn the cluster (<c>bootstrap.servers</c>). Required: a client
    /// with none fails with a <see cref="KafkaConfigException"/> naming <c>bootstrap.servers</c>.
    /// </summary>
    public IReadOnlyList<BrokerEndpoint> BootstrapServers { get; init; } = [];

    /// <summary>The client id sent in every request header, seen in broker logs and quotas (<c>client.id</c>, default <c>rxkafka</c>).</summary>
    public string ClientId { get; init; } = KafkaDefaults.ClientId;

    /// <summary>How often metadata is refreshed even when nothing asks for it (<c>metadata.max.age.ms</c>, default 5 min).</summary>
    public TimeSpan MetadataMaxAge { get; init; } = KafkaDefaults.MetadataMaxAge;

    /// <summary>
    /// How long a request may wait for its response (<c>request.timeout.ms</c>, default 30 s); then the
    /// request fails and its connection closes. One setting for every request, as in the Java client: a
    /// producer on this client sends it as the Produce request's timeout too, and waiting for a topic or a
    /// coordinator is bounded by it.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = KafkaDefaults.RequestTimeout;

    /// <summary>The first delay before retrying a failed request such as a metadata update (<c>retry.backoff.ms</c>, default 100 ms).</summary>
    public TimeSpan RetryBackoff { get; init; } = KafkaDefaults.RetryBackoff;

    /// <summary>The longest retry delay, reached by doubling <see cref="RetryBackoff"/> (<c>retry.backoff.max.ms</c>, default 1 s).</summary>
    public TimeSpan RetryBackoffMax { get; init; } = KafkaDefaults.RetryBackoffMax;

    /// <summary>The first delay before reconnecting to a broker (<c>reconnect.backoff.ms</c>, default 50 ms).</summary>
    public TimeSpan ReconnectBackoff { get; init; } = KafkaDefaults.ReconnectBackoff;

    /// <summary>The longest reconnect delay, reached by doubling <see cref="ReconnectBackoff"/> (<c>reconnect.backoff.max.ms</c>, default 1 s).</summary>
    public TimeSpan ReconnectBackoffMax { get; init; } = KafkaDefaults.ReconnectBackoffMax;

    /// <summary>
    /// How far each retry and reconnect delay is randomly moved, as a fraction of it, from 0 to 1
    /// (<c>rxkafka.backoff.jitter</c>, default 0.2, as Kafka's fixed ±20 %). Tests set 0 for exact schedules in virtual time.
    /// </summary>
    public double BackoffJitter { get; init; } = KafkaDefaults.BackoffJitter;

    /// <summary>
    /// Close a connection with no pending request and no traffic for this long (<c>connections.max.idle.ms</c>,
    /// default 9 min); <see cref="Timeout.InfiniteTimeSpan"/> (config -1) keeps idle connections open.
    /// </summary>
    public TimeSpan ConnectionsMaxIdle { get; init; } = KafkaDefaults.ConnectionsMaxIdle;

    /// <summary>
    /// How long opening a connection may take: DNS lookup, TCP connect and, for TLS, the handshake
    /// (<c>socket.connection.setup.timeout.ms</c>, default 10 s). Used by the TCP and TLS transports the
    /// client builds; a <see cref="TransportFactory"/> of your own keeps its own timing.
    /// </summary>
    public TimeSpan SocketConnectionSetupTimeout { get; init; } = KafkaDefaults.SocketConnectionSetupTimeout;

    /// <summary>
    /// How long version negotiation and SASL authentication together may take once the connection is
    /// open (<c>rxkafka.connection.setup.timeout.ms</c>, default 30 s; Kafka has no such setting).
    /// </summary>
    public TimeSpan ConnectionSetupTimeout { get; init; } = KafkaDefaults.ConnectionSetupTimeout;

    /// <summary>
    /// Whether connections use TLS and whether they authenticate with SASL (<c>security.protocol</c>,
    /// default <see cref="SecurityProtocol.Plaintext"/>). SASL_PLAINTEXT and SASL_SSL need <see cref="Sasl"/>.
    /// </summary>
    public SecurityProtocol SecurityProtocol { get; init; } = KafkaDefaults.SecurityProtocol;

    /// <summary>
    /// The SASL mechanism (from <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>sasl.password</c>, ...
    /// when <see cref="SecurityProtocol"/> is SASL_PLAINTEXT or SASL_SSL); <see langword="null"/> for none.
    /// </summary>
    public ISaslMechanism? Sasl { get; init; }

    /// <summary>
    /// TLS settings, used when <see cref="SecurityProtocol"/> is SSL or SASL_SSL (from <c>ssl.ca.location</c>,
    /// <c>ssl.certificate.location</c>, <c>ssl.key.location</c>, <c>ssl.key.password</c>, <c>ssl.keystore.*</c>,
    /// <c>ssl.truststore.*</c>, <c>ssl.endpoint.identification.algorithm</c>, <c>ssl.enabled.protocols</c>).
    /// </summary>
    public TlsOptions Tls { get; init; } = TlsOptions.Default;

    /// <summary>
    /// TCP settings (from <c>socket.send.buffer.bytes</c>, <c>socket.receive.buffer.bytes</c>,
    /// <c>socket.keepalive.enable</c>, <c>socket.nagle.disable</c>). The connect timeout is
    /// <see cref="SocketConnectionSetupTimeout"/> and its timer runs on <see cref="Scheduler"/>. The defaults differ from Kafka's on purpose: buffers keep the OS's auto-tuned sizes, keepalive and TCP_NODELAY are on.
    /// </summary>
    public SocketOptions Socket { get; init; } = SocketOptions.Default;

    /// <summary>Whether asking for a topic that does not exist lets the broker create it, if the broker allows it (<c>allow.auto.create.topics</c>, default true).</summary>
    public bool AllowAutoTopicCreation { get; init; } = KafkaDefaults.AllowAutoTopicCreation;

    /// <summary>
    /// Whether metadata updates fetch every topic (<c>rxkafka.metadata.all.topics</c>, default true), so
    /// the cluster view and its change stream see every topic; false fetches only the topics in use, as
    /// the Java producer does, which is lighter on clusters with very many topics.
    /// </summary>
    public bool MetadataAllTopics { get; init; } = KafkaDefaults.MetadataAllTopics;

    /// <summary>
    /// The broker release to speak to (<c>api.version</c>, default <c>auto</c>): <c>auto</c> detects it from
    /// the versions the broker supports; otherwise a release such as <c>2.8</c> or <c>3.7.1</c>.
    /// </summary>
    public string ApiVersion { get; init; } = KafkaDefaults.ApiVersion;

    /// <summary>
    /// Whether each broker gets separate connections for produce, fetch, group coordination and everything
    /// else (<c>rxkafka.connections.by.workload</c>, default true), so a long Fetch or JoinGroup never
    /// delays a Metadata or Produce request; false shares one connection per broker.
    /// </summary>
    public bool SeparateConnectionsByWorkload { get; init; } = KafkaDefaults.SeparateConnectionsByWorkload;

    /// <summary>
    /// The largest response frame accepted from a broker (<c>receive.message.max.bytes</c>, default 100 MiB);
    /// a larger claimed size closes the connection without allocating it.
    /// </summary>
    public int MaxFrameSize { get; init; } = KafkaDefaults.MaxFrameSize;

    /// <summary>The scheduler for every timer of the client (default <see cref="DefaultScheduler.Instance"/>). Tests pass a TestScheduler.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>Where the client and its connections log; <see langword="null"/> (the default) for no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Opens connections to brokers. <see langword="null"/> (the default) builds a TCP or TLS factory from
    /// <see cref="SecurityProtocol"/>, <see cref="Tls"/> and <see cref="Socket"/>; tests pass an in-memory one.
    /// </summary>
    public IKafkaTransportFactory? TransportFactory { get; init; }

    /// <summary>
    /// Advanced: the random source for the choice of broker and for backoff jitter; <see langword="null"/>
    /// (the default) uses <see cref="System.Random.Shared"/>. Tests pass a seeded one for repeatable runs.
    /// It must not be used elsewhere at the same time (<see cref="System.Random"/> is not thread-safe).
    /// </summary>
    public Random? Random { get; init; }

    /// <summary>The <see cref="ApiVersion"/> that detects the broker's release.</summary>
    internal const string AutoApiVersion = KafkaDefaults.ApiVersion;

    /// <summary>Options for the given bootstrap servers and defaults for everything else.</summary>
    /// <param name="bootstrapServers">A comma-separated list such as <c>"broker-1:9092,broker-2:9092"</c>.</param>
    /// <exception cref="KafkaConfigException">An entry is not a valid broker address, or the list is empty.</exception>
    public static KafkaClientOptions FromBootstrap(string bootstrapServers) =>
        new() { BootstrapServers = RxKafka.BootstrapServers.Parse(bootstrapServers) };

    /// <summary>The delays between retries of failed requests.</summary>
    internal BackoffOptions RetryBackoffOptions => new() { Base = RetryBackoff, Max = RetryBackoffMax, JitterFactor = BackoffJitter };

    /// <summary>The delays between reconnection attempts.</summary>
    internal BackoffOptions ReconnectBackoffOptions => new() { Base = ReconnectBackoff, Max = ReconnectBackoffMax, JitterFactor = BackoffJitter };

    /// <summary>Checks every value and how they fit together.</summary>
    /// <exception cref="KafkaConfigException">A value is missing or not valid; the message names the setting in Kafka's spelling.</exception>
    internal void Validate()
    {
        if (BootstrapServers is null || BootstrapServers.Count == 0)
        {
            throw new KafkaConfigException(BootstrapServersConfig, "no bootstrap servers were given; list at least one broker as host:port.");
        }

        ValidateSettings();
    }

    /// <summary>The options of each broker connection.</summary>
    internal ConnectionOptions ToConnectionOptions() => new()
    {
        ClientId = ClientId,
        RequestTimeout = RequestTimeout,
        MaxIdle = ConnectionsMaxIdle,
        SetupTimeout = ConnectionSetupTimeout,
        Sasl = Sasl,
        Scheduler = Scheduler,
        Logger = LoggerFactory?.CreateLogger(typeof(KafkaConnection).FullName!),
        MaxFrameSize = MaxFrameSize,
        ResponseBufferPool = ResponseBufferPool,
        LargeFrameSize = LargeFrameSize,
    };

    /// <summary>Where the connections receive Fetch responses (<see cref="ConnectionOptions.ResponseBufferPool"/>); tests put a poisoning pool here.</summary>
    internal System.Buffers.ArrayPool<byte> ResponseBufferPool { get; init; } = System.Buffers.ArrayPool<byte>.Shared;

    /// <summary>From what size frames are read into that pool as they arrive (<see cref="ConnectionOptions.LargeFrameSize"/>); tests lower it.</summary>
    internal int LargeFrameSize { get; init; } = Network.FrameReader.DefaultLargeFrameSize;

    /// <summary><see cref="TransportFactory"/> when set; otherwise TLS for SSL and SASL_SSL, plain TCP for the rest.</summary>
    internal IKafkaTransportFactory CreateTransportFactory()
    {
        if (TransportFactory is { } factory)
        {
            return factory;
        }

        // The socket's connect timer is the client's setting on the client's scheduler; SocketOptions has no public say in either.
        var socket = Socket with { ConnectTimeout = SocketConnectionSetupTimeout, Scheduler = Scheduler };
        return SecurityProtocol.UsesTls() ? new TlsTransportFactory(Tls, socket) : new SocketTransportFactory(socket);
    }

    /// <summary>Everything <see cref="Validate"/> checks but the bootstrap servers (which <see cref="FromConfig(IEnumerable{KeyValuePair{string, string}}, IScheduler?, bool)"/> does not require).</summary>
    internal void ValidateSettings()
    {
        Require(ClientId, ClientIdConfig);
        ConfigValues.CheckDuration(MetadataMaxAge, MetadataMaxAgeConfig, allowInfinite: false);
        ConfigValues.CheckDuration(RequestTimeout, RequestTimeoutConfig, allowInfinite: false);
        CheckBackoff(RetryBackoff, RetryBackoffConfig, RetryBackoffMax, RetryBackoffMaxConfig);
        CheckBackoff(ReconnectBackoff, ReconnectBackoffConfig, ReconnectBackoffMax, ReconnectBackoffMaxConfig);
        ConfigValues.CheckRange(BackoffJitter, BackoffJitterConfig, 0, 1);
        ConfigValues.CheckDuration(ConnectionsMaxIdle, ConnectionsMaxIdleConfig, allowInfinite: true);
        ConfigValues.CheckDuration(SocketConnectionSetupTimeout, SocketConnectionSetupTimeoutConfig, allowInfinite: false);
        ConfigValues.CheckDuration(ConnectionSetupTimeout, ConnectionSetupTimeoutConfig, allowInfinite: false);
        ConfigValues.CheckRange(MaxFrameSize, ReceiveMessageMaxBytesConfig, MinFrameSize, int.MaxValue);
        Require(Tls, nameof(Tls));
        Require(Socket, nameof(Socket));
        Require(Scheduler, nameof(Scheduler));
        CheckApiVersion(ApiVersion);

        if (!Enum.IsDefined(SecurityProtocol))
        {
            throw new KafkaConfigException(SecurityProtocolConfig, $"{(int)SecurityProtocol} is not a SecurityProtocol");
        }

        if (SecurityProtocol.UsesSasl() && Sasl is null)
        {
            throw new KafkaConfigException(
                SaslMechanisms.MechanismConfig,
                $"{SecurityProtocolConfig} is {SecurityProtocol.ToConfigValue()} but no SASL mechanism is set: set {SaslMechanisms.MechanismConfig} and its credentials, or Sasl.");
        }

        if (!SecurityProtocol.UsesSasl() && Sasl is not null)
        {
            throw new KafkaConfigException(
                SecurityProtocolConfig,
                $"a SASL mechanism ({Sasl.Name}) is set but {SecurityProtocolConfig} is {SecurityProtocol.ToConfigValue()}: use SASL_PLAINTEXT or SASL_SSL, or remove Sasl.");
        }
    }

    private static void Require(object? value, string name)
    {
        if (value is null)
        {
            throw new KafkaConfigException(name, "must not be null");
        }
    }

    private static void CheckBackoff(TimeSpan first, string firstName, TimeSpan max, string maxName)
    {
        ConfigValues.CheckDuration(first, firstName, allowInfinite: false);
        ConfigValues.CheckDuration(max, maxName, allowInfinite: false);
        if (max < first)
        {
            throw new KafkaConfigException(maxName, $"{max.TotalMilliseconds} ms is less than {firstName} ({first.TotalMilliseconds} ms); the longest delay cannot be shorter than the first");
        }
    }

    private static void CheckApiVersion(string? version)
    {
        if (version is null || (version != AutoApiVersion && !ReleasePattern().IsMatch(version)))
        {
            throw new KafkaConfigException(ApiVersionConfig, $"'{version}' is not auto or a Kafka release such as 2.8 or 3.7.1");
        }
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleasePattern();
}
