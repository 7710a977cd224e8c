
namespace RxKafka.Network;

/// <summary>Why a connection closed.</summary>
public enum CloseReason
{
    /// <summary>The transport failed or the broker closed it.</summary>
    ConnectionBroken,

    /// <summary>A request got no response within the request timeout.</summary>
    ConnectionTimeout,

    /// <summary>A response's correlation id did not match the oldest pending request.</summary>
    OutOfSync,

    /// <summary>No pending request and no traffic for the configured maximum idle time.</summary>
    IdleDrop,

    /// <summary>The connection was disposed.</summary>
    Shutdown,

    /// <summary>SASL authentication failed.</summary>
    AuthFailure,

    /// <summary>The broker sent bytes that break the protocol (a bad frame size, an undecodable response).</summary>
    ProtocolError,
}

/// <summary>The phases of a connection's life.</summary>
public enum ConnectionStatus
{
    /// <summary>Opening the transport.</summary>
    Connecting,

    /// <summary>Negotiating API versions.</summary>
    Negotiating,

    /// <summary>Authenticating with SASL.</summary>
    Authenticating,

    /// <summary>Ready for requests.</summary>
    Ready,

    /// <summary>Closed; see <see cref="ConnectionState.Reason"/>.</summary>
    Closed,
}

/// <summary>A connection's state: its status and, once closed, why.</summary>
/// <param name="Status">The phase.</param>
/// <param name="Reason">Why it closed (only when <see cref="ConnectionStatus.Closed"/>).</param>
/// <param name="Error">The failure behind the close, if any.</param>
public sealed record ConnectionState(ConnectionStatus Status, CloseReason? Reason = null, Exception? Error = null)
{
    /// <summary>The Connecting state.</summary>
    public static ConnectionState Connecting { get; } = new(ConnectionStatus.Connecting);

    /// <summary>The Negotiating state.</summary>
    public static ConnectionState Negotiating { get; } = new(ConnectionStatus.Negotiating);

    /// <summary>The Authenticating state.</summary>
    public static ConnectionState Authenticating { get; } = new(ConnectionStatus.Authenticating);

    /// <summary>The Ready state.</summary>
    public static ConnectionState Ready { get; } = new(ConnectionStatus.Ready);

    /// <summary>A Closed state with its reason.</summary>
    public static ConnectionState Closed(CloseReason reason, Exception? error = null) => new(ConnectionStatus.Closed, reason, error);

    /// <inheritdoc/>
    public override string ToString() => Status == ConnectionStatus.Closed ? $"Closed({Reason})" : Status.ToString();
}

/// <summary>A request failed because its connection closed; <see cref="Reason"/> says why.</summary>
public sealed class ConnectionClosedException : KafkaConnectionException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the connection closed.</param>
    /// <param name="broker">The broker, for the message.</param>
    /// <param name="innerException">The failure behind the close, if any.</param>
    public ConnectionClosedException(CloseReason reason, string broker, Exception? innerException = null)
        : base(
            reason == CloseReason.ConnectionTimeout ? RxKafka.ErrorCode.RequestTimedOut : RxKafka.ErrorCode.NetworkException,
            $"Connection to {broker} closed ({reason}){(innerException is null ? "" : ": " + innerException.Message)}",
            innerException)
    {
        Reason = reason;
        Broker = broker;
    }

    /// <summary>Why the connection closed.</summary>
    public CloseReason Reason { get; }

    /// <summary>The broker the connection went to.</summary>
    public string Broker { get; }

    /// <summary>Retrying on another connection may succeed, except after an authentication failure or a shutdown.</summary>
    public override bool IsRetriable => Reason is not (CloseReason.AuthFailure or CloseReason.Shutdown);
}
