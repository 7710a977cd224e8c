namespace RxKafka.Protocol.Messages;

/// <summary>What RxKafka knows about one Kafka API.</summary>
public sealed class ApiDescriptor
{
    private readonly Func<KafkaRequest> _createRequest;
    private readonly Func<KafkaResponse> _createResponse;

    internal ApiDescriptor(
        ApiKey apiKey,
        string name,
        short lowestVersion,
        short highestVersion,
        short firstFlexibleVersion,
        ApiVersionRange? deprecatedVersions,
        bool latestVersionUnstable,
        RequestRouting routing,
        ApiListeners listeners,
        Type requestType,
        Type responseType,
        Func<KafkaRequest> createRequest,
        Func<KafkaResponse> createResponse)
    {
        ApiKey = apiKey;
        Name = name;
        Versions = new ApiVersionRange(lowestVersion, highestVersion);
        FirstFlexibleVersion = firstFlexibleVersion;
        DeprecatedVersions = deprecatedVersions;
        LatestVersionUnstable = latestVersionUnstable;
        Routing = routing;
        Listeners = listeners;
        RequestType = requestType;
        ResponseType = responseType;
        _createRequest = createRequest;
        _createResponse = createResponse;
    }

    /// <summary>The API key.</summary>
    public ApiKey ApiKey { get; }

    /// <summary>Kafka's name of the API, e.g. "Produce".</summary>
    public string Name { get; }

    /// <summary>The versions this client can encode and decode.</summary>
    public ApiVersionRange Versions { get; }

    /// <summary>The first flexible version, or -1.</summary>
    public short FirstFlexibleVersion { get; }

    /// <summary>Versions Kafka marks as deprecated, if any.</summary>
    public ApiVersionRange? DeprecatedVersions { get; }

    /// <summary>Whether the highest version is still unstable in Kafka (not offered by brokers by default).</summary>
    public bool LatestVersionUnstable { get; }

    /// <summary>Where requests of this API go.</summary>
    public RequestRouting Routing { get; }

    /// <summary>Which listeners accept it.</summary>
    public ApiListeners Listeners { get; }

    /// <summary>The generated request type.</summary>
    public Type RequestType { get; }

    /// <summary>The generated response type.</summary>
    public Type ResponseType { get; }

    /// <summary>Whether <paramref name="version"/> is flexible.</summary>
    public bool IsFlexible(short version) => FirstFlexibleVersion >= 0 && version >= FirstFlexibleVersion;

    /// <summary>The request header version for <paramref name="version"/>: 2 when flexible, else 1 (ControlledShutdown v0 uses 0).</summary>
    public short RequestHeaderVersion(short version)
        => IsFlexible(version) ? (short)2 : ApiKey == ApiKey.ControlledShutdown && version == 0 ? (short)0 : (short)1;

    /// <summary>The response header version for <paramref name="version"/>: 1 when flexible, else 0. ApiVersions responses always use 0.</summary>
    public short ResponseHeaderVersion(short version)
        => ApiKey != ApiKey.ApiVersions && IsFlexible(version) ? (short)1 : (short)0;

    /// <summary>Creates an empty request.</summary>
    public KafkaRequest CreateRequest() => _createRequest();

    /// <summary>Creates an empty response.</summary>
    public KafkaResponse CreateResponse() => _createResponse();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (key {(short)ApiKey}, versions {Versions})";
}

/// <summary>The table of every Kafka API this client knows.</summary>
public static partial class KafkaApis
{
    private static readonly ApiDescriptor?[] s_byKey = BuildIndex();

    /// <summary>Every API, ordered by key.</summary>
    public static IReadOnlyList<ApiDescriptor> All => s_apis;

    /// <summary>The descriptor of <paramref name="apiKey"/>.</summary>
    /// <exception cref="KafkaException">The key is not known to this client.</exception>
    public static ApiDescriptor Get(ApiKey apiKey)
        => TryGet((short)apiKey, out var d) ? d : throw new KafkaException(ErrorCode.UnsupportedVersion, $"API key {(short)apiKey} is not known to this client");

    /// <summary>Looks up an API by its numeric key.</summary>
    public static bool TryGet(short apiKey, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ApiDescriptor? descriptor)
    {
        descriptor = apiKey >= 0 && apiKey < s_byKey.Length ? s_byKey[apiKey] : null;
        return descriptor is not null;
    }

    private static ApiDescriptor?[] BuildIndex()
    {
        var index = new ApiDescriptor?[s_apis.Max(a => (short)a.ApiKey) + 1];
        foreach (var api in s_apis)
        {
            index[(short)api.ApiKey] = api;
        }

        return index;
    }
}
