using System.Reactive.Concurrency;
using RxKafka.Network;
using RxKafka.Network.Sasl;
using RxKafka.Network.Transports;

namespace RxKafka.Client;

public sealed partial record KafkaClientOptions
{
    internal const string BootstrapServersConfig = "bootstrap.servers";
    internal const string ClientIdConfig = "client.id";
    internal const string MetadataMaxAgeConfig = "metadata.max.age.ms";
    internal const string RequestTimeoutConfig = "request.timeout.ms";
    internal const string RetryBackoffConfig = "retry.backoff.ms";
    internal const string RetryBackoffMaxConfig = "retry.backoff.max.ms";
    internal const string ReconnectBackoffConfig = "reconnect.backoff.ms";
    internal const string ReconnectBackoffMaxConfig = "reconnect.backoff.max.ms";
    internal const string BackoffJitterConfig = "rxkafka.backoff.jitter";
    internal const string ConnectionsMaxIdleConfig = "connections.max.idle.ms";
    internal const string SocketConnectionSetupTimeoutConfig = "socket.connection.setup.timeout.ms";
    internal const string ConnectionSetupTimeoutConfig = "rxkafka.connection.setup.timeout.ms";
    internal const string SecurityProtocolConfig = "security.protocol";
    internal const string SocketSendBufferConfig = "socket.send.buffer.bytes";
    internal const string SocketReceiveBufferConfig = "socket.receive.buffer.bytes";
    internal const string SocketKeepAliveConfig = "socket.keepalive.enable";
    internal const string SocketNagleDisableConfig = "socket.nagle.disable";
    internal const string AllowAutoCreateTopicsConfig = "allow.auto.create.topics";
    internal const string MetadataAllTopicsConfig = "rxkafka.metadata.all.topics";
    internal const string ApiVersionConfig = "api.version";
    internal const string ConnectionsByWorkloadConfig = "rxkafka.connections.by.workload";
    internal const string ReceiveMessageMaxBytesConfig = "receive.message.max.bytes";

    // The Java client's spellings of the socket buffer sizes.
    private const string JavaSendBufferConfig = "send.buffer.bytes";
    private const string JavaReceiveBufferConfig = "receive.buffer.bytes";

    // Room for a response header and a little more, as librdkafka's lower bound.
    private const int MinFrameSize = 1000;

    private static readonly KafkaClientOptions Defaults = new();

    /// <summary>
    /// Options from Kafka's config names. Read: <c>bootstrap.servers</c>, <c>client.id</c>,
    /// <c>metadata.max.age.ms</c>, <c>request.timeout.ms</c>, <c>retry.backoff.ms</c>, <c>retry.backoff.max.ms</c>,
    /// <c>reconnect.backoff.ms</c>, <c>reconnect.backoff.max.ms</c>, <c>connections.max.idle.ms</c> (-1: never),
    /// <c>socket.connection.setup.timeout.ms</c>, <c>security.protocol</c>, the <c>sasl.*</c> settings (with SASL_*),
    /// the <c>ssl.*</c> settings (with SSL and SASL_SSL: <c>ssl.ca.location</c>, <c>ssl.certificate.location</c>,
    /// <c>ssl.key.location</c>, <c>ssl.key.password</c>, <c>ssl.keystore.location</c>/<c>.password</c>/<c>.type</c>,
    /// <c>ssl.truststore.location</c>/<c>.password</c>/<c>.type</c> (PEM or PKCS12; JKS is refused),
    /// <c>ssl.endpoint.identification.algorithm</c> (https, or empty/none to skip the host-name check),
    /// <c>ssl.enabled.protocols</c>), <c>socket.send.buffer.bytes</c> and <c>socket.receive.buffer.bytes</c>
    /// (or Java's <c>send.buffer.bytes</c>, <c>receive.buffer.bytes</c>; -1: the OS's default),
    /// <c>socket.keepalive.enable</c>, <c>socket.nagle.disable</c>, <c>allow.auto.create.topics</c>,
    /// <c>api.version</c>, <c>receive.message.max.bytes</c>, and RxKafka's own
    /// <c>rxkafka.backoff.jitter</c>, <c>rxkafka.connection.setup.timeout.ms</c>, <c>rxkafka.metadata.all.topics</c>,
    /// <c>rxkafka.connections.by.workload</c>. Names another RxKafka layer reads are passed over (the
    /// producer's <c>linger.ms</c> and <c>max.request.size</c>, say); any other name is an error naming the
    /// nearest known one, unless <paramref name="ignoreUnknown"/>. <c>bootstrap.servers</c> may be left out
    /// here and set with <c>with</c>; the client requires it. A later pair overrides an earlier one of the same name.
    /// </summary>
    /// <param name="config">The settings, name and value: a dictionary, or any sequence of pairs.</param>
    /// <param name="scheduler">The scheduler for every timer; <see cref="DefaultScheduler.Instance"/> when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads (settings meant for other clients) instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown, or a value is malformed, out of range or inconsistent with another; the message names the setting, the value and what is allowed.</exception>
    public static KafkaClientOptions FromConfig(IEnumerable<KeyValuePair<string, string>> config, IScheduler? scheduler = null, bool ignoreUnknown = false)
    {
        var settings = ConfigValues.Collect(config);
        ConfigNames.CheckKnown(settings.Keys, ignoreUnknown);
        return Read(settings, scheduler);
    }

    /// <summary>
    /// <see cref="FromConfig(IEnumerable{KeyValuePair{string, string}}, IScheduler?, bool)"/> for a dictionary,
    /// so that <c>FromConfig(new() { ["bootstrap.servers"] = "..." })</c> compiles.
    /// </summary>
    /// <param name="config">The settings, name to value.</param>
    /// <param name="scheduler">The scheduler for every timer; <see cref="DefaultScheduler.Instance"/> when <see langword="null"/>.</param>
    /// <param name="ignoreUnknown">Whether to pass over names no RxKafka layer reads instead of failing on them.</param>
    /// <exception cref="KafkaConfigException">A name is unknown, or a value is malformed, out of range or inconsistent with another.</exception>
    public static KafkaClientOptions FromConfig(Dictionary<string, string> config, IScheduler? scheduler = null, bool ignoreUnknown = false)
        => FromConfig((IEnumerable<KeyValuePair<string, string>>)config, scheduler, ignoreUnknown);

    /// <summary>Reads the client's names from settings whose names were checked by the caller.</summary>
    internal static KafkaClientOptions Read(IReadOnlyDictionary<string, string> config, IScheduler? scheduler)
    {
        var d = Defaults;
        var protocol = ConfigValues.SecurityProtocol(config);
        var options = new KafkaClientOptions
        {
            BootstrapServers = ConfigValues.Text(config, BootstrapServersConfig) is { } servers ? RxKafka.BootstrapServers.Parse(servers) : d.BootstrapServers,
            ClientId = ConfigValues.Text(config, ClientIdConfig) ?? d.ClientId,
            MetadataMaxAge = ConfigValues.Milliseconds(config, MetadataMaxAgeConfig, allowInfinite: false) ?? d.MetadataMaxAge,
            RequestTimeout = ConfigValues.Milliseconds(config, RequestTimeoutConfig, allowInfinite: false) ?? d.RequestTimeout,
            RetryBackoff = ConfigValues.Milliseconds(config, RetryBackoffConfig, allowInfinite: false) ?? d.RetryBackoff,
            RetryBackoffMax = ConfigValues.Milliseconds(config, RetryBackoffMaxConfig, allowInfinite: false) ?? d.RetryBackoffMax,
            ReconnectBackoff = ConfigValues.Milliseconds(config, ReconnectBackoffConfig, allowInfinite: false) ?? d.ReconnectBackoff,
            ReconnectBackoffMax = ConfigValues.Milliseconds(config, ReconnectBackoffMaxConfig, allowInfinite: false) ?? d.ReconnectBackoffMax,
            BackoffJitter = ConfigValues.Double(config, BackoffJitterConfig, 0, 1) ?? d.BackoffJitter,
            ConnectionsMaxIdle = ConfigValues.Milliseconds(config, ConnectionsMaxIdleConfig, allowInfinite: true) ?? d.ConnectionsMaxIdle,
            SocketConnectionSetupTimeout = ConfigValues.Milliseconds(config, SocketConnectionSetupTimeoutConfig, allowInfinite: false) ?? d.SocketConnectionSetupTimeout,
            ConnectionSetupTimeout = ConfigValues.Milliseconds(config, ConnectionSetupTimeoutConfig, allowInfinite: false) ?? d.ConnectionSetupTimeout,
            SecurityProtocol = protocol,
            Sasl = protocol.UsesSasl() ? SaslMechanisms.Create(config) : null,
            Tls = protocol.UsesTls() ? TlsConfig.FromConfig(config) : d.Tls,
            Socket = SocketFromConfig(config, d.Socket),
            AllowAutoTopicCreation = ConfigValues.Boolean(config, AllowAutoCreateTopicsConfig) ?? d.AllowAutoTopicCreation,
            MetadataAllTopics = ConfigValues.Boolean(config, MetadataAllTopicsConfig) ?? d.MetadataAllTopics,
            ApiVersion = ApiVersionFromConfig(config) ?? d.ApiVersion,
            SeparateConnectionsByWorkload = ConfigValues.Boolean(config, ConnectionsByWorkloadConfig) ?? d.SeparateConnectionsByWorkload,
            MaxFrameSize = ConfigValues.Int32(config, ReceiveMessageMaxBytesConfig, MinFrameSize, int.MaxValue) ?? d.MaxFrameSize,
            Scheduler = scheduler ?? d.Scheduler,
        };

        // Settings that are valid alone but not together (retry.backoff.max.ms below retry.backoff.ms, ...).
        options.ValidateSettings();
        return options;
    }

    private static SocketOptions SocketFromConfig(IReadOnlyDictionary<string, string> config, SocketOptions socket) => socket with
    {
        SendBufferSize = BufferSize(config, SocketSendBufferConfig, JavaSendBufferConfig) ?? socket.SendBufferSize,
        ReceiveBufferSize = BufferSize(config, SocketReceiveBufferConfig, JavaReceiveBufferConfig) ?? socket.ReceiveBufferSize,
        KeepAlive = ConfigValues.Boolean(config, SocketKeepAliveConfig) ?? socket.KeepAlive,
        NoDelay = ConfigValues.Boolean(config, SocketNagleDisableConfig) ?? socket.NoDelay,
    };

    /// <summary>A socket buffer size in bytes, -1 meaning the OS's default (0 in <see cref="SocketOptions"/>); librdkafka's name first, then Java's.</summary>
    private static int? BufferSize(IReadOnlyDictionary<string, string> config, string name, string javaName)
    {
        var bytes = ConfigValues.Int32(config, name, -1, int.MaxValue) ?? ConfigValues.Int32(config, javaName, -1, int.MaxValue);
        return bytes == -1 ? 0 : bytes;
    }

    private static string? ApiVersionFromConfig(IReadOnlyDictionary<string, string> config)
    {
        if (ConfigValues.Text(config, ApiVersionConfig)?.Trim() is not { } version)
        {
            return null;
        }

        version = version.Equals(AutoApiVersion, StringComparison.OrdinalIgnoreCase) ? AutoApiVersion : version;
        CheckApiVersion(version);
        return version;
    }
}
