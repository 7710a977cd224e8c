
namespace RxKafka;

/// <summary>
/// A connection to a broker could not be opened or was lost (refused, reset, closed, TLS
/// failure), or no broker of a list could be reached (bootstrap, metadata update). Carries the
/// broker's <see cref="Host"/> and <see cref="Port"/> for a single broker, or every broker's
/// error in <see cref="BrokerErrors"/>. Reported as <see cref="ErrorCode.NetworkException"/> (also what a broker's
/// NETWORK_EXCEPTION becomes) and retriable: the client reconnects, possibly to another broker, after a backoff.
/// <see cref="Network.ConnectionClosedException"/> is the case of a connection that was open.
/// </summary>
public class KafkaConnectionException : KafkaException
{
    /// <summary>Creates the exception for a failed connection to <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <param name="host">The broker's host name or address.</param>
    /// <param name="port">The broker's port.</param>
    /// <param name="message">What went wrong; the broker's address is prefixed to it.</param>
    /// <param name="innerException">The socket or TLS exception behind the failure, if any.</param>
    public KafkaConnectionException(string host, int port, string message, Exception? innerException = null)
        : base(ErrorCode.NetworkException, $"Connection to broker {host}:{port} failed: {message}", innerException)
    {
        Host = host;
        Port = port;
        BrokerErrors = innerException is null ? [] : [new($"{host}:{port}", innerException)];
    }

    /// <summary>
    /// Creates the exception for an operation that tried several brokers and failed with each
    /// (e.g. "unable to bootstrap from a:9092, b:9092"); the message lists every broker's error.
    /// </summary>
    /// <param name="message">What could not be done, e.g. "unable to bootstrap from a:9092, b:9092".</param>
    /// <param name="brokerErrors">Each broker ("host:port") with its error, in the order tried.</param>
    public KafkaConnectionException(string message, IReadOnlyList<KeyValuePair<string, Exception>> brokerErrors)
        : base(
            ErrorCode.NetworkException,
            brokerErrors.Count == 0 ? message : $"{message}: " + string.Join("; ", brokerErrors.Select(Describe)),
            brokerErrors.Count switch
            {
                0 => null,
                1 => brokerErrors[0].Value,
                _ => new AggregateException(brokerErrors.Select(e => e.Value)),
            })
    {
        BrokerErrors = brokerErrors;
    }

    /// <summary>Creates the exception for a connection error code (a broker's NETWORK_EXCEPTION, or a closed connection).</summary>
    /// <param name="errorCode">The Kafka error code, usually <see cref="ErrorCode.NetworkException"/>.</param>
    /// <param name="message">What failed, naming the broker.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KafkaConnectionException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(errorCode, message, innerException)
    {
        BrokerErrors = [];
    }

    // An error that already names its broker is not prefixed with it again.
    private static string Describe(KeyValuePair<string, Exception> error) =>
        error.Value.Message.Contains(error.Key, StringComparison.Ordinal) ? error.Value.Message : $"{error.Key}: {error.Value.Message}";

    /// <summary>The broker's host name or address; null when several brokers failed (see <see cref="BrokerErrors"/>).</summary>
    public string? Host { get; }

    /// <summary>The broker's port; null when several brokers failed.</summary>
    public int? Port { get; }

    /// <summary>Each broker tried ("host:port") with its error, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, Exception>> BrokerErrors { get; }
}
