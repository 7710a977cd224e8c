using RxKafka.Protocol;

namespace RxKafka;

/// <summary>
/// A connection to a broker could not be opened or was lost (refused, reset, closed, TLS
/// failure). Carries the broker's <see cref="Host"/> and <see cref="Port"/>. Reported as
/// <see cref="ErrorCode.NetworkException"/> and retriable: the client reconnects, possibly to
/// another broker, after a backoff.
/// </summary>
public sealed class KafkaConnectionException : NetworkException
{
    /// <summary>Creates the exception for a failed connection to <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <param name="host">The broker's host name or address.</param>
    /// <param name="port">The broker's port.</param>
    /// <param name="message">What went wrong; the broker's address is prefixed to it.</param>
    /// <param name="innerException">The socket or TLS exception behind the failure, if any.</param>
    public KafkaConnectionException(string host, int port, string message, Exception? innerException = null)
        : base($"Connection to broker {host}:{port} failed: {message}", innerException)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The broker's host name or address.</summary>
    public string Host { get; }

    /// <summary>The broker's port.</summary>
    public int Port { get; }
}
