using RxKafka.Network;

namespace RxKafka.Tests.Exceptions;

public sealed class ExceptionMappingTests
{
    // Every code that had a class of its own before the families (issue 10), with what it is thrown as now:
    // its specific type where one was kept, else its family. The code itself rides on ErrorCode.
    public static TheoryData<ErrorCode, Type> Types => new()
    {
        { ErrorCode.UnknownTopicOrPartition, typeof(UnknownTopicOrPartitionException) },
        { ErrorCode.NotLeaderOrFollower, typeof(NotLeaderOrFollowerException) },
        { ErrorCode.LeaderNotAvailable, typeof(InvalidMetadataException) },
        { ErrorCode.ReplicaNotAvailable, typeof(InvalidMetadataException) },
        { ErrorCode.KafkaStorageError, typeof(InvalidMetadataException) },
        { ErrorCode.UnknownTopicId, typeof(InvalidMetadataException) },
        { ErrorCode.FencedLeaderEpoch, typeof(InvalidMetadataException) },
        { ErrorCode.TopicAuthorizationFailed, typeof(TopicAuthorizationException) },
        { ErrorCode.GroupAuthorizationFailed, typeof(AuthorizationException) },
        { ErrorCode.ClusterAuthorizationFailed, typeof(AuthorizationException) },
        { ErrorCode.TransactionalIdAuthorizationFailed, typeof(AuthorizationException) },
        { ErrorCode.SaslAuthenticationFailed, typeof(AuthenticationException) },
        { ErrorCode.UnsupportedSaslMechanism, typeof(UnsupportedSaslMechanismException) },
        { ErrorCode.IllegalSaslState, typeof(AuthenticationException) },
        { ErrorCode.NotCoordinator, typeof(RetriableException) },
        { ErrorCode.CoordinatorNotAvailable, typeof(RetriableException) },
        { ErrorCode.CoordinatorLoadInProgress, typeof(RetriableException) },
        { ErrorCode.NotController, typeof(RetriableException) },
        { ErrorCode.RequestTimedOut, typeof(RequestTimedOutException) },
        { ErrorCode.UnsupportedVersion, typeof(UnsupportedVersionException) },
        { ErrorCode.OutOfOrderSequenceNumber, typeof(OutOfOrderSequenceException) },
        { ErrorCode.DuplicateSequenceNumber, typeof(KafkaException) },
        { ErrorCode.UnknownProducerId, typeof(UnknownProducerIdException) },
        { ErrorCode.InvalidProducerEpoch, typeof(KafkaException) },
        { ErrorCode.ProducerFenced, typeof(ProducerFencedException) },
        { ErrorCode.InvalidTxnState, typeof(KafkaException) },
        { ErrorCode.ConcurrentTransactions, typeof(RetriableException) },
        { ErrorCode.TransactionAbortable, typeof(KafkaException) },
        { ErrorCode.MessageTooLarge, typeof(RecordTooLargeException) },
        { ErrorCode.RecordListTooLarge, typeof(KafkaException) },
        { ErrorCode.NotEnoughReplicas, typeof(RetriableException) },
        { ErrorCode.NotEnoughReplicasAfterAppend, typeof(RetriableException) },
        { ErrorCode.CorruptMessage, typeof(RetriableException) },
        { ErrorCode.OffsetOutOfRange, typeof(KafkaException) },
        { ErrorCode.RebalanceInProgress, typeof(KafkaException) },
        { ErrorCode.IllegalGeneration, typeof(KafkaException) },
        { ErrorCode.UnknownMemberId, typeof(KafkaException) },
        { ErrorCode.FencedInstanceId, typeof(KafkaException) },
        { ErrorCode.InvalidTopicException, typeof(KafkaException) },
        { ErrorCode.TopicAlreadyExists, typeof(KafkaException) },
        { ErrorCode.PolicyViolation, typeof(KafkaException) },
        { ErrorCode.InvalidConfig, typeof(KafkaConfigException) },
        { ErrorCode.InvalidPartitions, typeof(KafkaException) },
        { ErrorCode.InvalidReplicationFactor, typeof(KafkaException) },
        { ErrorCode.ThrottlingQuotaExceeded, typeof(RetriableException) },
        { ErrorCode.NetworkException, typeof(KafkaConnectionException) },
        { ErrorCode.UnknownLeaderEpoch, typeof(RetriableException) },
        { ErrorCode.InvalidRequest, typeof(KafkaProtocolException) },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void ToException_gives_the_type_with_name_description_and_context(ErrorCode code, Type expected)
    {
        ErrorInfo info = KafkaErrors.Describe(code);

        KafkaException ex = KafkaErrors.ToException(code, "topic 'orders' partition 3");

        Assert.Equal(expected, ex.GetType());
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(info.IsRetriable, ex.IsRetriable);
        Assert.Contains(info.Name, ex.Message, StringComparison.Ordinal);
        Assert.Contains(info.Message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("topic 'orders' partition 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(info.IsRetriable, ex.Message.Contains(", retriable)", StringComparison.Ordinal));
    }

    [Fact]
    public void ToException_message_reads_name_code_context_then_description()
    {
        KafkaException ex = KafkaErrors.ToException(ErrorCode.TopicAuthorizationFailed, "topic 'orders'");

        Assert.Equal(
            "TOPIC_AUTHORIZATION_FAILED (error 29) for topic 'orders': " + KafkaErrors.Describe(ErrorCode.TopicAuthorizationFailed).Message,
            ex.Message);
    }

    [Fact]
    public void ToException_without_context_still_names_the_error()
    {
        KafkaException ex = KafkaErrors.ToException(ErrorCode.NotLeaderOrFollower);

        Assert.IsType<NotLeaderOrFollowerException>(ex);
        Assert.StartsWith("NOT_LEADER_OR_FOLLOWER (error 6, retriable): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(KafkaErrors.Describe(ErrorCode.NotLeaderOrFollower).Message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_for_a_retriable_code_without_a_type_is_the_retriable_family()
    {
        KafkaException ex = KafkaErrors.ToException(ErrorCode.ShareSessionLimitReached, "share group 'g1'");

        Assert.Equal(typeof(RetriableException), ex.GetType());
        Assert.Equal(ErrorCode.ShareSessionLimitReached, ex.ErrorCode);
        Assert.True(ex.IsRetriable);
        Assert.Contains("SHARE_SESSION_LIMIT_REACHED", ex.Message, StringComparison.Ordinal);
        Assert.Contains("share group 'g1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_for_an_unknown_code_is_a_plain_KafkaException_naming_it()
    {
        KafkaException ex = KafkaErrors.ToException((ErrorCode)ErrorCodeTests.MaxKnownCode + 1, "topic 'orders'");

        Assert.Equal(typeof(KafkaException), ex.GetType());
        Assert.False(ex.IsRetriable);
        Assert.StartsWith($"UNKNOWN_ERROR_CODE_{ErrorCodeTests.MaxKnownCode + 1} (error {ErrorCodeTests.MaxKnownCode + 1}) for topic 'orders': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToException_refuses_None()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => KafkaErrors.ToException(ErrorCode.None));
        Assert.Contains("None", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_code_converts_to_its_family_with_that_code()
    {
        foreach (ErrorInfo info in KafkaErrors.All.Where(i => i.Code != ErrorCode.None))
        {
            KafkaException ex = KafkaErrors.ToException(info.Code, "ctx");
            Assert.Equal(info.Code, ex.ErrorCode);
            Assert.Equal(info.IsRetriable, ex.IsRetriable);

            // A retriable code is caught as retriable (the connection family aside), an invalid-metadata one as such.
            Assert.Equal(info.IsRetriable, ex is RetriableException || ex is KafkaConnectionException);
            Assert.Equal(info.IsInvalidMetadata, ex is InvalidMetadataException || ex is KafkaConnectionException);
        }
    }

    [Fact]
    public void Families_group_the_codes_a_caller_treats_alike()
    {
        foreach (ErrorCode code in new[] { ErrorCode.TopicAuthorizationFailed, ErrorCode.GroupAuthorizationFailed, ErrorCode.ClusterAuthorizationFailed, ErrorCode.TransactionalIdAuthorizationFailed, ErrorCode.DelegationTokenAuthorizationFailed })
        {
            KafkaException ex = KafkaErrors.ToException(code);
            Assert.IsAssignableFrom<AuthorizationException>(ex);
            Assert.False(ex.IsRetriable, code.ToString());
        }

        foreach (ErrorCode code in new[] { ErrorCode.SaslAuthenticationFailed, ErrorCode.UnsupportedSaslMechanism, ErrorCode.IllegalSaslState })
        {
            Assert.IsAssignableFrom<AuthenticationException>(KafkaErrors.ToException(code));
        }

        foreach (ErrorCode code in new[] { ErrorCode.InvalidRequest, ErrorCode.UnsupportedVersion, ErrorCode.UnsupportedForMessageFormat })
        {
            Assert.IsAssignableFrom<KafkaProtocolException>(KafkaErrors.ToException(code));
        }

        foreach (ErrorCode code in new[] { ErrorCode.InvalidConfig, ErrorCode.InvalidRequiredAcks, ErrorCode.InvalidSessionTimeout, ErrorCode.InvalidTransactionTimeout })
        {
            var config = Assert.IsType<KafkaConfigException>(KafkaErrors.ToException(code, "broker 1"));
            Assert.Null(config.ConfigName);
            Assert.False(config.IsRetriable);
        }

        Assert.IsAssignableFrom<RetriableException>(KafkaErrors.ToException(ErrorCode.LeaderNotAvailable));
    }

    // The kept types, each as its users meet it: built with a message, with its code and the code's flag.
    public static TheoryData<Func<string, KafkaException>> SpecificTypes => new()
    {
        m => new UnknownTopicOrPartitionException(m),
        m => new NotLeaderOrFollowerException(m),
        m => new TopicAuthorizationException(m),
        m => new UnsupportedSaslMechanismException(m),
        m => new RequestTimedOutException(m),
        m => new UnsupportedVersionException(m),
        m => new ProducerFencedException(m),
        m => new OutOfOrderSequenceException(m),
        m => new UnknownProducerIdException(m),
        m => new RecordTooLargeException(m),
    };

    [Theory]
    [MemberData(nameof(SpecificTypes))]
    public void Specific_types_carry_their_code_and_its_retriable_flag(Func<string, KafkaException> create)
    {
        var inner = new InvalidOperationException("cause");
        KafkaException ex = create("what went wrong");

        Assert.Equal(KafkaErrors.Describe(ex.ErrorCode).IsRetriable, ex.IsRetriable);
        Assert.Equal("what went wrong", ex.Message);
        Assert.Equal(ex.GetType(), KafkaErrors.ToException(ex.ErrorCode).GetType());
        Assert.Same(inner, ((KafkaException)Activator.CreateInstance(ex.GetType(), "m", inner)!).InnerException);
    }

    [Fact]
    public void Connection_exception_is_a_retriable_network_error_naming_the_broker()
    {
        var inner = new System.Net.Sockets.SocketException(111);
        var ex = new KafkaConnectionException("broker-1.example", 9092, "connection refused", inner);

        Assert.Equal(ErrorCode.NetworkException, ex.ErrorCode);
        Assert.True(ex.IsRetriable);
        Assert.Equal("broker-1.example", ex.Host);
        Assert.Equal(9092, ex.Port);
        Assert.Same(inner, ex.InnerException);
        Assert.Contains("broker-1.example:9092", ex.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CloseReason.ConnectionBroken, ErrorCode.NetworkException, true)]
    [InlineData(CloseReason.ConnectionTimeout, ErrorCode.RequestTimedOut, true)]
    [InlineData(CloseReason.AuthFailure, ErrorCode.NetworkException, false)]
    [InlineData(CloseReason.Shutdown, ErrorCode.NetworkException, false)]
    public void A_closed_connection_is_a_connection_error_retriable_by_reason(CloseReason reason, ErrorCode code, bool retriable)
    {
        var ex = new ConnectionClosedException(reason, "broker-1:9092", new IOException("reset"));

        Assert.IsAssignableFrom<KafkaConnectionException>(ex);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(retriable, ex.IsRetriable);
        Assert.Contains("broker-1:9092", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_not_ready_is_retriable_and_names_the_node()
    {
        var ex = new NodeNotReadyException(7);

        Assert.IsAssignableFrom<RetriableException>(ex);
        Assert.True(ex.IsRetriable);
        Assert.Equal(7, ex.NodeId);
        Assert.Equal(ErrorCode.None, ex.ErrorCode);
        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_exception_names_the_setting_and_is_not_retriable()
    {
        var ex = new KafkaConfigException("linger.ms", "must not be negative, was -5");

        Assert.False(ex.IsRetriable);
        Assert.Equal("linger.ms", ex.ConfigName);
        Assert.Equal(ErrorCode.InvalidConfig, ex.ErrorCode);
        Assert.Contains("'linger.ms'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must not be negative, was -5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol_exceptions_are_never_retriable_even_with_a_retriable_code()
    {
        var ex = new KafkaProtocolException("bad varint at 12");

        Assert.Equal(ErrorCode.CorruptMessage, ex.ErrorCode);
        Assert.True(KafkaErrors.IsRetriable(ErrorCode.CorruptMessage));
        Assert.False(ex.IsRetriable);
    }
}
