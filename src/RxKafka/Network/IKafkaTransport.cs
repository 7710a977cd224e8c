using System.IO.Pipelines;

namespace RxKafka.Network;

/// <summary>
/// A duplex byte stream to one broker: a TCP socket, a TLS stream, or an in-memory pipe in tests.
/// The connection reads frames from its input and writes requests to its output.
/// </summary>
public interface IKafkaTransport : IDuplexPipe, IAsyncDisposable
{
    /// <summary>A short description for logs and errors, e.g. "tcp://broker-1:9092" or "tls://broker-1:9093".</summary>
    string Description { get; }

    /// <summary>Whether the bytes are encrypted (TLS). SASL PLAIN warns when they are not.</summary>
    bool IsEncrypted => false;
}

/// <summary>Opens transports to brokers.</summary>
public interface IKafkaTransportFactory
{
    /// <summary>Connects to <paramref name="endpoint"/>.</summary>
    /// <exception cref="KafkaConnectionException">The broker cannot be reached; the message names host:port and the cause.</exception>
    ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken);
}
