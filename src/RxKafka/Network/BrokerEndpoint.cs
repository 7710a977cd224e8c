namespace RxKafka.Network;

/// <summary>A broker's host and port.</summary>
/// <param name="Host">A host name or an IP address (IPv6 without brackets).</param>
/// <param name="Port">The TCP port.</param>
public readonly record struct BrokerEndpoint(string Host, int Port)
{
    /// <summary>Kafka's default port.</summary>
    public const int DefaultPort = 9092;

    /// <inheritdoc/>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
