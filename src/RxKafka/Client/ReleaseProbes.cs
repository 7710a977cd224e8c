using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

/// <summary>An API version that a broker offers only from some Kafka release on.</summary>
/// <param name="ApiKey">The API.</param>
/// <param name="Version">The version first shipped in the release.</param>
internal readonly record struct ApiVersionProbe(ApiKey ApiKey, short Version)
{
    /// <summary>
    /// Whether the broker knows this version: its highest version of the API is at least
    /// <see cref="Version"/>. The lowest is not looked at, because later releases raise minimums
    /// (Kafka 4.0 dropped versions older than 2.1's, KIP-896) without forgetting newer versions.
    /// </summary>
    public bool IsOfferedBy(ApiVersionTable table) => table.BrokerRange(ApiKey) is { } range && range.Highest >= Version;

    /// <inheritdoc/>
    public override string ToString() => $"{ApiKey} v{Version}";
}

/// <summary>A Kafka release and the API versions it introduced that identify it.</summary>
/// <param name="Release">The feature release.</param>
/// <param name="Probes">
/// Versions first shipped in <paramref name="Release"/>; a broker offering any one of them is at
/// least that release. Two where possible, so a broker that skips one API is still recognised.
/// </param>
internal sealed record ReleaseProbes(KafkaVersion Release, ApiVersionProbe[] Probes)
{
    /// <summary>Whether the broker offers at least one of the probes.</summary>
    public bool IsMatchedBy(ApiVersionTable table)
    {
        foreach (var probe in Probes)
        {
            if (probe.IsOfferedBy(table))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Release}: {string.Join(" or ", Probes)}";
}
