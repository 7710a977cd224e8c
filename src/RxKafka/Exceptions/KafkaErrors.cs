using System.Collections.Frozen;
using System.Globalization;

namespace RxKafka;

/// <summary>
/// Lookups over every Kafka error code: name, retriable and invalid-metadata flags and description,
/// parsing Kafka's names, and turning a code from a response into its exception (its family's type,
/// or a specific one). The data is generated from one table; docs/errors.md lists it.
/// </summary>
public static partial class KafkaErrors
{
    private const string UnknownPrefix = "UNKNOWN_ERROR_CODE_";

    /// <summary>
    /// Describes <paramref name="code"/>. Known codes come from a static table and allocate
    /// nothing; a code this version does not know is described as <c>UNKNOWN_ERROR_CODE_n</c>,
    /// not retriable.
    /// </summary>
    public static ErrorInfo Describe(ErrorCode code)
    {
        uint index = (uint)((int)code + 1);
        return index < (uint)s_known.Length ? s_known[index] : DescribeUnknown(code);
    }

    /// <summary>Whether retrying after <paramref name="code"/> may succeed; <see langword="false"/> for unknown codes.</summary>
    public static bool IsRetriable(ErrorCode code)
    {
        uint index = (uint)((int)code + 1);
        return index < (uint)s_known.Length && s_known[index].IsRetriable;
    }

    /// <summary>
    /// Whether <paramref name="code"/> means the client's metadata is out of date (refresh it, then retry);
    /// <see langword="false"/> for unknown codes.
    /// </summary>
    public static bool IsInvalidMetadata(ErrorCode code)
    {
        uint index = (uint)((int)code + 1);
        return index < (uint)s_known.Length && s_known[index].IsInvalidMetadata;
    }

    /// <summary>Every error code this version knows, in code order from <see cref="ErrorCode.UnknownServerError"/> (-1).</summary>
    public static IReadOnlyList<ErrorInfo> All => Lookup.All;

    /// <summary>
    /// Finds the code for Kafka's name of it (e.g. <c>NOT_LEADER_OR_FOLLOWER</c>, case-insensitive),
    /// also accepting <c>UNKNOWN_ERROR_CODE_n</c> as produced by <see cref="Describe"/>.
    /// </summary>
    /// <returns><see langword="true"/> when <paramref name="kafkaName"/> names a code.</returns>
    public static bool TryParse(string? kafkaName, out ErrorCode code)
    {
        if (kafkaName is null)
        {
            code = default;
            return false;
        }

        if (Lookup.ByName.TryGetValue(kafkaName, out code))
        {
            return true;
        }

        if (kafkaName.StartsWith(UnknownPrefix, StringComparison.OrdinalIgnoreCase)
            && short.TryParse(kafkaName.AsSpan(UnknownPrefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out short raw))
        {
            code = (ErrorCode)raw;
            return true;
        }

        code = default;
        return false;
    }

    /// <summary>
    /// The exception for <paramref name="code"/>: its specific type where it has one (e.g.
    /// <see cref="NotLeaderOrFollowerException"/>), else its family's (e.g. <see cref="RetriableException"/>,
    /// <see cref="AuthorizationException"/>), else a plain <see cref="KafkaException"/>. Its message holds Kafka's name, the code, the
    /// description and <paramref name="context"/>, e.g. <c>topic 'orders' partition 3</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="code"/> is <see cref="ErrorCode.None"/>, which is not an error.</exception>
    public static KafkaException ToException(ErrorCode code, string? context = null)
    {
        if (code == ErrorCode.None)
        {
            throw new ArgumentException("ErrorCode.None means success and has no exception; check the code before converting it.", nameof(code));
        }

        // The mapping is generated from the error table (KafkaErrors.Exceptions.g.cs).
        return Create(code, FormatMessage(code, context));
    }

    /// <summary>
    /// Formats an exception message: <c>NAME (error n[, retriable])[ for context]: description</c>,
    /// e.g. <c>NOT_LEADER_OR_FOLLOWER (error 6, retriable) for topic 'orders' partition 3: ...</c>.
    /// </summary>
    internal static string FormatMessage(ErrorCode code, string? context)
    {
        ErrorInfo info = Describe(code);
        string retriable = info.IsRetriable ? ", retriable" : string.Empty;
        return string.IsNullOrEmpty(context)
            ? $"{info.Name} (error {(short)code}{retriable}): {info.Message}"
            : $"{info.Name} (error {(short)code}{retriable}) for {context}: {info.Message}";
    }

    private static ErrorInfo DescribeUnknown(ErrorCode code)
    {
        short raw = (short)code;
        return new ErrorInfo(
            code,
            UnknownPrefix + raw.ToString(CultureInfo.InvariantCulture),
            IsRetriable: false,
            IsInvalidMetadata: false,
            $"Error code {raw.ToString(CultureInfo.InvariantCulture)} is not known to this version of RxKafka (the broker may be newer); treated as not retriable.");
    }

    // Built on first use, after s_known (another file) is certainly initialised.
    private static class Lookup
    {
        internal static readonly IReadOnlyList<ErrorInfo> All = Array.AsReadOnly(s_known);

        internal static readonly FrozenDictionary<string, ErrorCode> ByName =
            s_known.ToFrozenDictionary(static e => e.Name, static e => e.Code, StringComparer.OrdinalIgnoreCase);
    }
}
