using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Network.Sasl;

namespace RxKafka.Network;

/// <summary>Options of one broker connection. Immutable; change with <c>with</c>.</summary>
public sealed record ConnectionOptions
{
    /// <summary>The client id sent in every request header (<c>client.id</c>).</summary>
    public string ClientId { get; init; } = "rxkafka";

    /// <summary>How long a request may wait for its response (<c>request.timeout.ms</c>, default 40 s). The connection closes with ConnectionTimeout when it passes.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Close a connection with no pending request and no traffic for this long (<c>connections.max.idle.ms</c>, default 9 min). <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan MaxIdle { get; init; } = TimeSpan.FromMinutes(9);

    /// <summary>The largest frame accepted from the broker (default 100 MiB). A larger claimed size closes the connection without allocating it.</summary>
    public int MaxFrameSize { get; init; } = 100 * 1024 * 1024;

    /// <summary>The largest request this connection sends (default 100 MiB); a larger one fails before anything is written.</summary>
    public int MaxRequestSize { get; init; } = 100 * 1024 * 1024;

    /// <summary>Sent in ApiVersions v3+ (<c>client.software.name</c>).</summary>
    public string ClientSoftwareName { get; init; } = "rxkafka";

    /// <summary>Sent in ApiVersions v3+ (<c>client.software.version</c>).</summary>
    public string ClientSoftwareVersion { get; init; } = typeof(ConnectionOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// How long negotiation and authentication together may take after the transport opens
    /// (default 30 s). A token provider or a broker that never answers fails the connect with
    /// <see cref="RequestTimedOutException"/> and closes with ConnectionTimeout.
    /// </summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>SASL authentication after negotiation (SASL_PLAINTEXT / SASL_SSL), or null for none.</summary>
    public ISaslMechanism? Sasl { get; init; }

    /// <summary>Re-authenticate at this fraction of the session lifetime the broker gives (KIP-368; default 0.9).</summary>
    public double ReauthenticationFraction { get; init; } = 0.9;

    /// <summary>Where the connection logs (closes, warnings such as PLAIN without TLS). Null: no logging.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The scheduler for timeouts and idle checks. Tests pass a TestScheduler.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>
    /// Options from Kafka's config names: <c>client.id</c>, <c>request.timeout.ms</c>,
    /// <c>connections.max.idle.ms</c>, <c>rxkafka.connection.setup.timeout.ms</c> (negotiation and
    /// authentication; <c>socket.connection.setup.timeout.ms</c> is the transport's connect timeout,
    /// as in <c>KafkaClientOptions</c>), <c>client.software.name</c>, <c>client.software.version</c>, and with
    /// <c>security.protocol</c> SASL_PLAINTEXT or SASL_SSL the <c>sasl.*</c> settings. Names this
    /// connection does not use are ignored (they belong to other layers).
    /// </summary>
    /// <exception cref="KafkaConfigException">A value is malformed or out of range; the message names the setting.</exception>
    public static ConnectionOptions FromConfig(IReadOnlyDictionary<string, string> config, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new ConnectionOptions();
        if (scheduler is not null)
        {
            options = options with { Scheduler = scheduler };
        }

        if (config.TryGetValue("client.id", out var clientId))
        {
            options = options with { ClientId = clientId };
        }

        if (ConfigValues.Milliseconds(config, "request.timeout.ms", allowInfinite: false) is { } requestTimeout)
        {
            options = options with { RequestTimeout = requestTimeout };
        }

        if (ConfigValues.Milliseconds(config, "connections.max.idle.ms", allowInfinite: true) is { } idle)
        {
            options = options with { MaxIdle = idle };
        }

        if (ConfigValues.Milliseconds(config, "rxkafka.connection.setup.timeout.ms", allowInfinite: false) is { } setup)
        {
            options = options with { SetupTimeout = setup };
        }

        if (config.TryGetValue("client.software.name", out var softwareName))
        {
            options = options with { ClientSoftwareName = softwareName };
        }

        if (config.TryGetValue("client.software.version", out var softwareVersion))
        {
            options = options with { ClientSoftwareVersion = softwareVersion };
        }

        if (ConfigValues.SecurityProtocol(config).UsesSasl())
        {
            options = options with { Sasl = SaslMechanisms.Create(config) };
        }

        return options;
    }
}
