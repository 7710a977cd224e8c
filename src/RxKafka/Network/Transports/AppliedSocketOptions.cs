namespace RxKafka.Network.Transports;

/// <summary>The socket options that were actually set on a connection (the OS may refuse some).</summary>
[Flags]
internal enum AppliedSocketOptions
{
    None = 0,
    NoDelay = 1 << 0,
    KeepAlive = 1 << 1,
    KeepAliveTime = 1 << 2,
    KeepAliveInterval = 1 << 3,
    KeepAliveRetryCount = 1 << 4,
    SendBufferSize = 1 << 5,
    ReceiveBufferSize = 1 << 6,
    TcpUserTimeout = 1 << 7,
}
