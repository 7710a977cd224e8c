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
}
