using RxKafka.Protocol;

namespace RxKafka.Producer;

/// <summary>
/// Every default of <see cref="ProducerOptions"/>, written once, as <see cref="KafkaDefaults"/> holds the
/// client's: here because they name the producer's own types. docs/options.md lists the same values
/// (a test compares the table with these).
/// </summary>
/// <remarks>Kafka's Java client's defaults (Kafka 4.0) unless a line says otherwise.</remarks>
internal static class ProducerDefaults
{
    /// <summary><c>acks</c>.</summary>
    public const Acks Acks = Acks.All;

    /// <summary><c>linger.ms</c> (Kafka 4.0's 5 ms, KIP-1030).</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    /// <summary><c>batch.size</c>.</summary>
    public const int BatchSize = 16 * 1024;

    /// <summary><c>compression.type</c>.</summary>
    public const CompressionType CompressionType = Protocol.CompressionType.None;

    /// <summary><c>max.in.flight.requests.per.connection</c>.</summary>
    public const int MaxInFlightRequestsPerConnection = 5;

    /// <summary><c>max.request.size</c>: a producer setting, as in the Java client.</summary>
    public const int MaxRequestSize = 1024 * 1024;

    /// <summary><c>buffer.memory</c>.</summary>
    public const long BufferMemory = 32L * 1024 * 1024;

    /// <summary><c>max.block.ms</c>.</summary>
    public static readonly TimeSpan MaxBlock = TimeSpan.FromSeconds(60);

    /// <summary><c>delivery.timeout.ms</c>.</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(2);

    /// <summary><c>transaction.timeout.ms</c>: the Java client's 60 s.</summary>
    public static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>retries</c>: <see cref="DeliveryTimeout"/> is the bound.</summary>
    public const int Retries = int.MaxValue;

    /// <summary><c>partitioner</c>: the Java client's default; librdkafka's is consistent_random.</summary>
    public const Partitioner Partitioner = Producer.Partitioner.Murmur2Random;

    /// <summary><c>rxkafka.delivery.errors.as.reports</c>.</summary>
    public const bool DeliveryErrorsAsReports = true;
}
