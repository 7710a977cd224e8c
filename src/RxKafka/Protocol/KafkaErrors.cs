using System.Collections.Frozen;
using System.Globalization;

namespace RxKafka.Protocol;

/// <summary>
/// Lookups over every Kafka error code: name, retriable flag and description, parsing Kafka's
/// names, and turning a code from a response into the most specific <see cref="KafkaException"/>.
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
    /// The most specific exception for <paramref name="code"/> (a plain <see cref="KafkaException"/>
    /// where there is no dedicated type). Its message holds Kafka's name, the code, the
    /// description and <paramref name="context"/>, e.g. <c>topic 'orders' partition 3</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="code"/> is <see cref="ErrorCode.None"/>, which is not an error.</exception>
    public static KafkaException ToException(ErrorCode code, string? context = null)
    {
        if (code == ErrorCode.None)
        {
            throw new ArgumentException("ErrorCode.None means success and has no exception; check the code before converting it.", nameof(code));
        }

        string message = FormatMessage(code, context);
        return code switch
        {
            ErrorCode.UnknownTopicOrPartition => new UnknownTopicOrPartitionException(message),
            ErrorCode.LeaderNotAvailable => new LeaderNotAvailableException(message),
            ErrorCode.NotLeaderOrFollower => new NotLeaderOrFollowerException(message),
            ErrorCode.ReplicaNotAvailable => new ReplicaNotAvailableException(message),
            ErrorCode.KafkaStorageError => new KafkaStorageException(message),
            ErrorCode.UnknownTopicId => new UnknownTopicIdException(message),
            ErrorCode.FencedLeaderEpoch => new FencedLeaderEpochException(message),
            ErrorCode.TopicAuthorizationFailed => new TopicAuthorizationException(message),
            ErrorCode.GroupAuthorizationFailed => new GroupAuthorizationException(message),
            ErrorCode.ClusterAuthorizationFailed => new ClusterAuthorizationException(message),
            ErrorCode.TransactionalIdAuthorizationFailed => new TransactionalIdAuthorizationException(message),
            ErrorCode.SaslAuthenticationFailed => new AuthenticationException(message),
            ErrorCode.UnsupportedSaslMechanism => new UnsupportedSaslMechanismException(message),
            ErrorCode.IllegalSaslState => new IllegalSaslStateException(message),
            ErrorCode.NotCoordinator => new NotCoordinatorException(message),
            ErrorCode.CoordinatorNotAvailable => new CoordinatorNotAvailableException(message),
            ErrorCode.CoordinatorLoadInProgress => new CoordinatorLoadInProgressException(message),
            ErrorCode.NotController => new NotControllerException(message),
            ErrorCode.RequestTimedOut => new RequestTimedOutException(message),
            ErrorCode.UnsupportedVersion => new UnsupportedVersionException(message),
            ErrorCode.OutOfOrderSequenceNumber => new OutOfOrderSequenceException(message),
            ErrorCode.DuplicateSequenceNumber => new DuplicateSequenceException(message),
            ErrorCode.UnknownProducerId => new UnknownProducerIdException(message),
            ErrorCode.InvalidProducerEpoch => new InvalidProducerEpochException(message),
            ErrorCode.ProducerFenced => new ProducerFencedException(message),
            ErrorCode.InvalidTxnState => new InvalidTxnStateException(message),
            ErrorCode.ConcurrentTransactions => new ConcurrentTransactionsException(message),
            ErrorCode.TransactionAbortable => new TransactionAbortableException(message),
            ErrorCode.MessageTooLarge => new RecordTooLargeException(message),
            ErrorCode.RecordListTooLarge => new RecordListTooLargeException(message),
            ErrorCode.NotEnoughReplicas => new NotEnoughReplicasException(message),
            ErrorCode.NotEnoughReplicasAfterAppend => new NotEnoughReplicasAfterAppendException(message),
            ErrorCode.CorruptMessage => new CorruptRecordException(message),
            ErrorCode.OffsetOutOfRange => new OffsetOutOfRangeException(message),
            ErrorCode.RebalanceInProgress => new RebalanceInProgressException(message),
            ErrorCode.IllegalGeneration => new IllegalGenerationException(message),
            ErrorCode.UnknownMemberId => new UnknownMemberIdException(message),
            ErrorCode.FencedInstanceId => new FencedInstanceIdException(message),
            ErrorCode.InvalidTopicException => new InvalidTopicException(message),
            ErrorCode.TopicAlreadyExists => new TopicAlreadyExistsException(message),
            ErrorCode.PolicyViolation => new PolicyViolationException(message),
            ErrorCode.InvalidConfig => new InvalidConfigurationException(message),
            ErrorCode.InvalidPartitions => new InvalidPartitionsException(message),
            ErrorCode.InvalidReplicationFactor => new InvalidReplicationFactorException(message),
            ErrorCode.ThrottlingQuotaExceeded => new ThrottlingQuotaExceededException(message),
            ErrorCode.NetworkException => new NetworkException(message),
            ErrorCode.UnknownLeaderEpoch => new UnknownLeaderEpochException(message),
            ErrorCode.InvalidRequest => new InvalidRequestException(message),
            _ => new KafkaException(code, message),
        };
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
