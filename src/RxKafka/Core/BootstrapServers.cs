namespace RxKafka;

/// <summary>
/// Parses Kafka's <c>bootstrap.servers</c> setting: the brokers the client contacts first to learn
/// the cluster. Each entry is read by <see cref="BrokerEndpoint.Parse(string)"/>.
/// </summary>
/// <remarks>
/// As in Kafka's own client, empty entries (<c>"a:9092,,b:9092"</c>, a trailing comma) are skipped,
/// and a list with no entries at all is an error. Duplicates (same host, ignoring case, and port)
/// are dropped, keeping the first. Shuffling spreads many clients' first connections over the brokers.
/// </remarks>
public static class BootstrapServers
{
    /// <summary>Parses a comma-separated list such as <c>"broker-1:9092, broker-2:9092, [::1]:9093"</c>.</summary>
    /// <param name="commaSeparated">The list.</param>
    /// <param name="shuffle">When given, the brokers are shuffled with this random source; otherwise their order is kept.</param>
    /// <returns>The distinct brokers, at least one.</returns>
    /// <exception cref="KafkaConfigException">An entry is not valid (the message names it), or the list is empty.</exception>
    public static IReadOnlyList<BrokerEndpoint> Parse(string commaSeparated, Random? shuffle = null)
    {
        ArgumentNullException.ThrowIfNull(commaSeparated);
        return Parse([commaSeparated], shuffle);
    }

    /// <summary>Parses a list of broker addresses; an entry may itself be a comma-separated list.</summary>
    /// <param name="servers">The addresses.</param>
    /// <param name="shuffle">When given, the brokers are shuffled with this random source; otherwise their order is kept.</param>
    /// <returns>The distinct brokers, at least one.</returns>
    /// <exception cref="KafkaConfigException">An entry is not valid (the message names it), or the list is empty.</exception>
    public static IReadOnlyList<BrokerEndpoint> Parse(IEnumerable<string> servers, Random? shuffle = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var result = new List<BrokerEndpoint>();
        var seen = new HashSet<(string Host, int Port)>(HostPortComparer.Instance);
        foreach (var server in servers)
        {
            if (server is null)
            {
                continue;
            }

            foreach (var part in server.Split(','))
            {
                var entry = part.Trim();
                if (entry.Length == 0)
                {
                    continue;
                }

                if (!BrokerEndpoint.TryParse(entry, out var endpoint, out var error))
                {
                    throw new KafkaConfigException(BrokerEndpoint.ConfigName, BrokerEndpoint.FormatError(entry, error));
                }

                if (seen.Add((endpoint.Host, endpoint.Port)))
                {
                    result.Add(endpoint);
                }
            }
        }

        if (result.Count == 0)
        {
            throw new KafkaConfigException(BrokerEndpoint.ConfigName, "no bootstrap servers were given; list at least one broker as host:port.");
        }

        if (shuffle is not null)
        {
            // Fisher-Yates.
            for (var i = result.Count - 1; i > 0; i--)
            {
                var j = shuffle.Next(i + 1);
                (result[i], result[j]) = (result[j], result[i]);
            }
        }

        return result;
    }

    private sealed class HostPortComparer : IEqualityComparer<(string Host, int Port)>
    {
        public static readonly HostPortComparer Instance = new();

        public bool Equals((string Host, int Port) x, (string Host, int Port) y) =>
            x.Port == y.Port && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Host, int Port) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Host), obj.Port);
    }
}
