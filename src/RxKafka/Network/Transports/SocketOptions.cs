namespace RxKafka.Network.Transports;

/// <summary>
/// TCP settings for connections to brokers. Options the operating system does not support are
/// skipped silently (for example the keepalive timings on older platforms, or
/// <see cref="TcpUserTimeout"/> anywhere but Linux). The connect timeout is not here: it is
/// <see cref="Client.KafkaClientOptions.SocketConnectionSetupTimeout"/> (<c>socket.connection.setup.timeout.ms</c>),
/// timed on <see cref="Client.KafkaClientOptions.Scheduler"/>, so neither has a second public place to be set.
/// </summary>
/// <remarks>
/// Keepalive and <see cref="TcpUserTimeout"/> are how a connection to a broker that vanished
/// without closing (power loss, a dropped NAT entry) is noticed even while no request is waiting:
/// with the defaults, an idle dead peer is detected after about 30 s + 9 × 10 s.
/// </remarks>
public sealed record SocketOptions
{
    /// <summary>The defaults.</summary>
    public static SocketOptions Default { get; } = new();

    /// <summary>TCP_NODELAY: send small requests at once instead of waiting to coalesce them (Nagle). Default <see langword="true"/>.</summary>
    public bool NoDelay { get; init; } = KafkaDefaults.SocketNoDelay;

    /// <summary>SO_KEEPALIVE: probe an idle connection so a dead broker is noticed. Default <see langword="true"/>.</summary>
    public bool KeepAlive { get; init; } = KafkaDefaults.SocketKeepAlive;

    /// <summary>How long a connection stays idle before the first keepalive probe (TCP_KEEPIDLE). Default 30 s; whole seconds, at least 1.</summary>
    public TimeSpan KeepAliveTime { get; init => field = Positive(value, nameof(KeepAliveTime)); } = KafkaDefaults.SocketKeepAliveTime;

    /// <summary>The time between unanswered keepalive probes (TCP_KEEPINTVL). Default 10 s; whole seconds, at least 1.</summary>
    public TimeSpan KeepAliveInterval { get; init => field = Positive(value, nameof(KeepAliveInterval)); } = KafkaDefaults.SocketKeepAliveInterval;

    /// <summary>How many unanswered keepalive probes close the connection (TCP_KEEPCNT). Default 9.</summary>
    public int KeepAliveRetryCount
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(KeepAliveRetryCount), value, "The keepalive probe count must be at least 1.");
    } = KafkaDefaults.SocketKeepAliveRetryCount;

    /// <summary>
    /// SO_SNDBUF in bytes (Kafka's <c>send.buffer.bytes</c>); 0 keeps the operating system's default,
    /// which usually auto-tunes. 64 KiB (65536) is a good fixed value for high-throughput producers.
    /// </summary>
    public int SendBufferSize { get; init => field = NonNegative(value, nameof(SendBufferSize)); }

    /// <summary>
    /// SO_RCVBUF in bytes (Kafka's <c>receive.buffer.bytes</c>); 0 keeps the operating system's
    /// default, which usually auto-tunes. 64 KiB (65536) is a good fixed value for consumers.
    /// </summary>
    public int ReceiveBufferSize { get; init => field = NonNegative(value, nameof(ReceiveBufferSize)); }

    /// <summary>
    /// TCP_USER_TIMEOUT (Linux only): how long sent data may stay unacknowledged before the kernel
    /// drops the connection. <see langword="null"/> (the default) keeps the kernel's behaviour,
    /// which may retransmit for many minutes. Whole milliseconds, at least 1.
    /// </summary>
    public TimeSpan? TcpUserTimeout
    {
        get;
        init => field = value is { } v ? Positive(v, nameof(TcpUserTimeout)) : null;
    }

    /// <summary>
    /// How long opening a connection may take: DNS lookup, the TCP connect to each address in turn and,
    /// for TLS, the handshake. Internal: the client sets it from <c>socket.connection.setup.timeout.ms</c>
    /// (it used to be public here and was silently replaced by the client's value).
    /// </summary>
    internal TimeSpan ConnectTimeout { get; init => field = Positive(value, nameof(ConnectTimeout)); } = KafkaDefaults.SocketConnectionSetupTimeout;

    /// <summary>The scheduler that times <see cref="ConnectTimeout"/>: the client's (internal for the same reason).</summary>
    internal System.Reactive.Concurrency.IScheduler Scheduler { get; init; } = System.Reactive.Concurrency.DefaultScheduler.Instance;

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {int.MaxValue} ms.");

    private static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 (the OS default) or a positive number of bytes.");
}
