using Xunit;

namespace RxKafka.Tests.Exceptions;

public sealed class ErrorCodeTests
{
    // The newest code in Apache Kafka trunk (4.2) Errors.java: SHARE_SESSION_LIMIT_REACHED.
    internal const short MaxKnownCode = 133;

    // (code, Kafka name, retriable) checked against Errors.java and the RetriableException
    // ancestry of each code's Java exception class.
    [Theory]
    [InlineData(-1, "UNKNOWN_SERVER_ERROR", false)]
    [InlineData(0, "NONE", false)]
    [InlineData(1, "OFFSET_OUT_OF_RANGE", false)]
    [InlineData(2, "CORRUPT_MESSAGE", true)]
    [InlineData(3, "UNKNOWN_TOPIC_OR_PARTITION", true)]
    [InlineData(5, "LEADER_NOT_AVAILABLE", true)]
    [InlineData(6, "NOT_LEADER_OR_FOLLOWER", true)]
    [InlineData(7, "REQUEST_TIMED_OUT", true)]
    [InlineData(8, "BROKER_NOT_AVAILABLE", false)]
    [InlineData(9, "REPLICA_NOT_AVAILABLE", true)]
    [InlineData(10, "MESSAGE_TOO_LARGE", false)]
    [InlineData(13, "NETWORK_EXCEPTION", true)]
    [InlineData(14, "COORDINATOR_LOAD_IN_PROGRESS", true)]
    [InlineData(15, "COORDINATOR_NOT_AVAILABLE", true)]
    [InlineData(16, "NOT_COORDINATOR", true)]
    [InlineData(17, "INVALID_TOPIC_EXCEPTION", false)]
    [InlineData(19, "NOT_ENOUGH_REPLICAS", true)]
    [InlineData(20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true)]
    [InlineData(22, "ILLEGAL_GENERATION", false)]
    [InlineData(25, "UNKNOWN_MEMBER_ID", false)]
    [InlineData(27, "REBALANCE_IN_PROGRESS", false)]
    [InlineData(29, "TOPIC_AUTHORIZATION_FAILED", false)]
    [InlineData(30, "GROUP_AUTHORIZATION_FAILED", false)]
    [InlineData(31, "CLUSTER_AUTHORIZATION_FAILED", false)]
    [InlineData(35, "UNSUPPORTED_VERSION", false)]
    [InlineData(41, "NOT_CONTROLLER", true)]
    [InlineData(45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false)]
    [InlineData(46, "DUPLICATE_SEQUENCE_NUMBER", false)]
    [InlineData(47, "INVALID_PRODUCER_EPOCH", false)]
    [InlineData(51, "CONCURRENT_TRANSACTIONS", true)]
    [InlineData(53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false)]
    [InlineData(56, "KAFKA_STORAGE_ERROR", true)]
    [InlineData(58, "SASL_AUTHENTICATION_FAILED", false)]
    [InlineData(59, "UNKNOWN_PRODUCER_ID", false)]
    [InlineData(72, "LISTENER_NOT_FOUND", true)]
    [InlineData(74, "FENCED_LEADER_EPOCH", true)]
    [InlineData(75, "UNKNOWN_LEADER_EPOCH", true)]
    [InlineData(78, "OFFSET_NOT_AVAILABLE", true)]
    [InlineData(82, "FENCED_INSTANCE_ID", false)]
    [InlineData(88, "UNSTABLE_OFFSET_COMMIT", true)]
    [InlineData(89, "THROTTLING_QUOTA_EXCEEDED", true)]
    [InlineData(90, "PRODUCER_FENCED", false)]
    [InlineData(100, "UNKNOWN_TOPIC_ID", true)]
    [InlineData(103, "INCONSISTENT_TOPIC_ID", true)]
    [InlineData(106, "FETCH_SESSION_TOPIC_ID_ERROR", true)]
    [InlineData(110, "FENCED_MEMBER_EPOCH", false)]
    [InlineData(113, "STALE_MEMBER_EPOCH", false)]
    [InlineData(120, "TRANSACTION_ABORTABLE", false)]
    [InlineData(121, "INVALID_RECORD_STATE", false)]
    [InlineData(122, "SHARE_SESSION_NOT_FOUND", true)]
    [InlineData(128, "INVALID_REGULAR_EXPRESSION", false)]
    [InlineData(129, "REBOOTSTRAP_REQUIRED", false)]
    [InlineData(130, "STREAMS_INVALID_TOPOLOGY", false)]
    [InlineData(131, "STREAMS_INVALID_TOPOLOGY_EPOCH", false)]
    [InlineData(132, "STREAMS_TOPOLOGY_FENCED", false)]
    [InlineData(133, "SHARE_SESSION_LIMIT_REACHED", true)]
    public void Describe_matches_Kafka(short code, string name, bool retriable)
    {
        var errorCode = (ErrorCode)code;
        ErrorInfo info = KafkaErrors.Describe(errorCode);

        Assert.True(Enum.IsDefined(errorCode));
        Assert.Equal(errorCode, info.Code);
        Assert.Equal(name, info.Name);
        Assert.Equal(retriable, info.IsRetriable);
        Assert.Equal(retriable, KafkaErrors.IsRetriable(errorCode));
        Assert.Equal(PascalCase(name), errorCode.ToString());
    }

    [Fact]
    public void Every_enum_value_has_a_distinct_name_and_a_message()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ErrorCode code in Enum.GetValues<ErrorCode>())
        {
            ErrorInfo info = KafkaErrors.Describe(code);
            Assert.Equal(code, info.Code);
            Assert.True(names.Add(info.Name), $"duplicate name {info.Name}");
            Assert.False(string.IsNullOrWhiteSpace(info.Message), $"{info.Name} has no message");
            Assert.Equal(PascalCase(info.Name), code.ToString());
            Assert.DoesNotContain("UNKNOWN_ERROR_CODE", info.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Names_round_trip_through_TryParse()
    {
        foreach (ErrorInfo info in KafkaErrors.All)
        {
            Assert.True(KafkaErrors.TryParse(info.Name, out ErrorCode parsed), info.Name);
            Assert.Equal(info.Code, parsed);
            Assert.True(KafkaErrors.TryParse(info.Name.ToLowerInvariant(), out parsed), info.Name);
            Assert.Equal(info.Code, parsed);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("NOT_A_KAFKA_ERROR")]
    [InlineData("NotLeaderOrFollower")]
    [InlineData("UNKNOWN_ERROR_CODE_")]
    [InlineData("UNKNOWN_ERROR_CODE_abc")]
    [InlineData("UNKNOWN_ERROR_CODE_40000")]
    public void TryParse_rejects_what_is_not_a_name(string? text)
    {
        Assert.False(KafkaErrors.TryParse(text, out ErrorCode code));
        Assert.Equal(default, code);
    }

    [Fact]
    public void Codes_are_contiguous_from_minus_one_to_the_newest()
    {
        short[] values = Enum.GetValues<ErrorCode>().Select(c => (short)c).Order().ToArray();
        short[] expected = Enumerable.Range(-1, MaxKnownCode + 2).Select(i => (short)i).ToArray();
        Assert.Equal(expected, values);

        Assert.Equal(values.Length, KafkaErrors.All.Count);
        Assert.Equal(values, KafkaErrors.All.Select(e => (short)e.Code).ToArray());
    }

    [Fact]
    public void All_cannot_be_modified_through_a_cast()
    {
        Assert.False(KafkaErrors.All is ErrorInfo[]);
        Assert.True(KafkaErrors.All is ICollection<ErrorInfo> { IsReadOnly: true });
    }

    [Theory]
    [InlineData(32000)]
    [InlineData(MaxKnownCode + 1)]
    [InlineData(-2)]
    [InlineData(short.MinValue)]
    [InlineData(short.MaxValue)]
    public void Unknown_code_is_described_without_throwing(short raw)
    {
        var code = (ErrorCode)raw;
        ErrorInfo info = KafkaErrors.Describe(code);

        Assert.Equal(code, info.Code);
        Assert.Equal($"UNKNOWN_ERROR_CODE_{raw}", info.Name);
        Assert.False(info.IsRetriable);
        Assert.False(KafkaErrors.IsRetriable(code));
        Assert.Contains(raw.ToString(System.Globalization.CultureInfo.InvariantCulture), info.Message, StringComparison.Ordinal);
        Assert.Contains("not known", info.Message, StringComparison.Ordinal);

        Assert.True(KafkaErrors.TryParse(info.Name, out ErrorCode parsed));
        Assert.Equal(code, parsed);

        KafkaException ex = KafkaErrors.ToException(code, "topic 'orders' partition 3");
        Assert.Equal(typeof(KafkaException), ex.GetType());
        Assert.Equal(code, ex.ErrorCode);
        Assert.False(ex.IsRetriable);
        Assert.Contains(info.Name, ex.Message, StringComparison.Ordinal);
    }

    // The codes whose Java exception extends InvalidMetadataException in Kafka 4.2: after them the
    // client refreshes metadata before it retries.
    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPartition)]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    [InlineData(ErrorCode.NotLeaderOrFollower)]
    [InlineData(ErrorCode.ReplicaNotAvailable)]
    [InlineData(ErrorCode.NetworkException)]
    [InlineData(ErrorCode.KafkaStorageError)]
    [InlineData(ErrorCode.ListenerNotFound)]
    [InlineData(ErrorCode.FencedLeaderEpoch)]
    [InlineData(ErrorCode.PreferredLeaderNotAvailable)]
    [InlineData(ErrorCode.EligibleLeadersNotAvailable)]
    [InlineData(ErrorCode.UnknownTopicId)]
    [InlineData(ErrorCode.InconsistentTopicId)]
    public void Invalid_metadata_codes_match_Kafka(ErrorCode code)
    {
        Assert.True(KafkaErrors.IsInvalidMetadata(code));
        Assert.True(KafkaErrors.Describe(code).IsInvalidMetadata);
        Assert.True(KafkaErrors.IsRetriable(code));
    }

    [Fact]
    public void Only_those_codes_are_invalid_metadata()
    {
        Assert.Equal(12, KafkaErrors.All.Count(e => e.IsInvalidMetadata));
        Assert.False(KafkaErrors.IsInvalidMetadata(ErrorCode.NotCoordinator));
        Assert.False(KafkaErrors.IsInvalidMetadata(ErrorCode.UnknownLeaderEpoch));
        Assert.False(KafkaErrors.IsInvalidMetadata((ErrorCode)(MaxKnownCode + 1)));
        Assert.False(KafkaErrors.Describe((ErrorCode)(-2)).IsInvalidMetadata);
    }

    [Fact]
    public void Describe_for_known_codes_allocates_nothing()
    {
        // Warm up: the table, JIT and tiering.
        int sink = 0;
        for (int i = 0; i < 2000; i++)
        {
            sink += KafkaErrors.Describe((ErrorCode)((i % (MaxKnownCode + 2)) - 1)).Name.Length;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ErrorInfo info = KafkaErrors.Describe((ErrorCode)((i % (MaxKnownCode + 2)) - 1));
            sink += info.Name.Length + (info.IsRetriable ? 1 : 0);
            sink += KafkaErrors.IsRetriable(info.Code) ? 1 : 0;
            sink += KafkaErrors.IsInvalidMetadata(info.Code) ? 1 : 0;
        }

        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
        Assert.True(sink > 0);
    }

    [Fact]
    public void KafkaException_default_message_is_the_code_description()
    {
        var ex = new KafkaException(ErrorCode.RebalanceInProgress);

        Assert.Equal(KafkaErrors.Describe(ErrorCode.RebalanceInProgress).Message, ex.Message);
        Assert.False(ex.IsRetriable);
    }

    private static string PascalCase(string kafkaName) =>
        string.Concat(kafkaName.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
}
