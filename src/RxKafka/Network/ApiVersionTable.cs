using RxKafka.Protocol.Messages;

namespace RxKafka.Network;

/// <summary>
/// What a broker supports, from its ApiVersions answer, and the version RxKafka uses for each API:
/// the highest version both sides support. It keeps the cluster-wide features the broker reports as finalized
/// (KIP-584, ApiVersions v3+), such as <c>transaction.version</c>, which says whether KIP-890 part 2 is on.
/// </summary>
internal sealed class ApiVersionTable
{
    private readonly ApiVersionRange?[] _broker;
    private readonly Dictionary<string, short> _finalized;

    /// <summary>Creates the table from the broker's (api key, min, max) entries and, from ApiVersions v3+, its finalized features (name, max level).</summary>
    public ApiVersionTable(IEnumerable<(short ApiKey, short MinVersion, short MaxVersion)> brokerVersions, IEnumerable<(string Name, short MaxLevel)>? finalizedFeatures = null, long finalizedFeaturesEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(brokerVersions);
        _finalized = (finalizedFeatures ?? []).GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(f => f.MaxLevel), StringComparer.Ordinal);
        FinalizedFeaturesEpoch = finalizedFeaturesEpoch;
        var list = brokerVersions.ToList();
        _broker = new ApiVersionRange?[Math.Max(list.Count == 0 ? 0 : list.Max(v => v.ApiKey) + 1, 0)];
        foreach (var (key, min, max) in list)
        {
            if (key >= 0)
            {
                _broker[key] = new ApiVersionRange(min, max);
            }
        }
    }

    internal static ApiVersionTable FromResponse(ApiVersionsResponse response)
        => new(
            response.ApiKeys.Select(k => (k.ApiKey, k.MinVersion, k.MaxVersion)),
            response.FinalizedFeatures.Select(f => (f.Name, f.MaxVersionLevel)),
            response.FinalizedFeaturesEpoch);

    /// <summary>The epoch of the finalized features the broker reported (it grows when they change), or -1 when it reported none.</summary>
    public long FinalizedFeaturesEpoch { get; }

    /// <summary>The level the cluster finalized <paramref name="feature"/> at, as this broker reported it; null when not finalized (level 0) or not reported.</summary>
    public short? FinalizedLevel(string feature) => _finalized.TryGetValue(feature, out var level) ? level : null;

    /// <summary>The broker's range for <paramref name="apiKey"/>, or null when it does not offer the API.</summary>
    public ApiVersionRange? BrokerRange(ApiKey apiKey)
        => (short)apiKey >= 0 && (short)apiKey < _broker.Length ? _broker[(short)apiKey] : null;

    /// <summary>Whether both sides support some version of <paramref name="apiKey"/>.</summary>
    public bool Supports(ApiKey apiKey) => TryPick(apiKey, out _);

    /// <summary>The highest version of <paramref name="apiKey"/> both sides support.</summary>
    public bool TryPick(ApiKey apiKey, out short version)
    {
        version = -1;
        if (BrokerRange(apiKey) is not { } broker || !KafkaApis.TryGet((short)apiKey, out var ours))
        {
            return false;
        }

        var high = Math.Min(broker.Highest, ours.Versions.Highest);
        var low = Math.Max(broker.Lowest, ours.Versions.Lowest);
        if (high < low)
        {
            return false;
        }

        version = (short)high;
        return true;
    }

    /// <summary>The version to use for <paramref name="apiKey"/>.</summary>
    /// <exception cref="UnsupportedVersionException">No common version; the message names the API and both ranges.</exception>
    public short Pick(ApiKey apiKey, string broker)
    {
        if (TryPick(apiKey, out var version))
        {
            return version;
        }

        var ours = KafkaApis.TryGet((short)apiKey, out var d) ? d.Versions.ToString() : "none";
        var theirs = BrokerRange(apiKey)?.ToString();
        throw new UnsupportedVersionException(theirs is null
            ? $"Broker {broker} does not support the {apiKey} API (key {(short)apiKey}); RxKafka supports versions {ours}"
            : $"Broker {broker} supports {apiKey} (key {(short)apiKey}) versions {theirs} but RxKafka supports {ours}: no common version");
    }
}
