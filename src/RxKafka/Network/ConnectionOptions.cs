using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxKafka.Network.Sasl;

namespace RxKafka.Network;

/// <summary>
/// The settings one broker connection runs with. Not a public options record: every value is derived
/// from <see cref="Client.KafkaClientOptions"/> (<see cref="Client.KafkaClientOptions.ToConnectionOptions"/>), so a
/// setting has one public place and one default (<see cref="KafkaDefaults"/>). Tests build it directly.
/// </summary>
internal sealed record ConnectionOptions
{
    /// <summary>The client id sent in every request header (<c>client.id</c>).</summary>
    public string ClientId { get; init; } = KafkaDefaults.ClientId;

    /// <summary>How long a request may wait for its response (<c>request.timeout.ms</c>). The connection closes with ConnectionTimeout when it passes.</summary>
    public TimeSpan RequestTimeout { get; init; } = KafkaDefaults.RequestTimeout;

    /// <summary>Close a connection with no pending request and no traffic for this long (<c>connections.max.idle.ms</c>). <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan MaxIdle { get; init; } = KafkaDefaults.ConnectionsMaxIdle;

    /// <summary>The largest frame accepted from the broker (<c>receive.message.max.bytes</c>). A larger claimed size closes the connection without allocating it.</summary>
    public int MaxFrameSize { get; init; } = KafkaDefaults.MaxFrameSize;

    /// <summary>
    /// The largest request this connection sends; a larger one fails before anything is written. Not a
    /// user setting (see <see cref="KafkaDefaults.ConnectionMaxRequestSize"/>); tests lower it.
    /// </summary>
    public int MaxRequestSize { get; init; } = KafkaDefaults.ConnectionMaxRequestSize;

    /// <summary>
    /// Where responses whose records stay slices of their frame (Fetch) are received: the consumer gives each
    /// array back when its last chunk is read. Tests put a poisoning pool here to catch a read after return.
    /// </summary>
    public System.Buffers.ArrayPool<byte> ResponseBufferPool { get; init; } = System.Buffers.ArrayPool<byte>.Shared;

    /// <summary>
    /// Frames this large or larger are read into an array from <see cref="ResponseBufferPool"/> as their bytes
    /// arrive (<see cref="FrameReader.DefaultLargeFrameSize"/>); tests lower it to send every frame that way.
    /// </summary>
    public int LargeFrameSize { get; init; } = FrameReader.DefaultLargeFrameSize;

    /// <summary>Sent in ApiVersions v3+ (KIP-511's client software name).</summary>
    public string ClientSoftwareName { get; init; } = "rxkafka";

    /// <summary>Sent in ApiVersions v3+ (KIP-511's client software version): this assembly's.</summary>
    public string ClientSoftwareVersion { get; init; } = typeof(ConnectionOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// How long negotiation and authentication together may take after the transport opens
    /// (<c>rxkafka.connection.setup.timeout.ms</c>). A token provider or a broker that never answers fails
    /// the connect with <see cref="RequestTimedOutException"/> and closes with ConnectionTimeout.
    /// </summary>
    public TimeSpan SetupTimeout { get; init; } = KafkaDefaults.ConnectionSetupTimeout;

    /// <summary>SASL authentication after negotiation (SASL_PLAINTEXT / SASL_SSL), or null for none.</summary>
    public ISaslMechanism? Sasl { get; init; }

    /// <summary>Re-authenticate at this fraction of the session lifetime the broker gives (KIP-368).</summary>
    public double ReauthenticationFraction { get; init; } = KafkaDefaults.ReauthenticationFraction;

    /// <summary>Where the connection logs (closes, warnings such as PLAIN without TLS). Null: no logging.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The scheduler for timeouts and idle checks. Tests pass a TestScheduler.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;
}
