using RxKafka.Consumer.Assignment;

namespace RxKafka.Tests.Consumer.Assignment;

/// <summary>
/// The subscription and assignment blobs of classic consumer groups: round trips at every version, the exact bytes
/// of Kafka's layout, blobs of versions newer than we know (read as the newest we know), and malformed blobs as a
/// typed error naming the member.
/// </summary>
public sealed class ConsumerProtocolTests
{
    private static readonly TopicPartition[] Owned = [new("orders", 2), new("payments", 0), new("orders", 0)];

    private static MemberSubscription Full => new(
        "member-1", "instance-1", ["orders", "payments"], new byte[] { 1, 2, 3 }, Owned, 7, "rack-a");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void R5_a_subscription_round_trips_with_the_fields_of_its_version(short version)
    {
        var decoded = ConsumerProtocol.DecodeSubscription("member-1", "instance-1", ConsumerProtocol.EncodeSubscription(Full, version));

        Assert.Equal("member-1", decoded.MemberId);
        Assert.Equal("instance-1", decoded.GroupInstanceId);
        Assert.Equal(Full.Topics, decoded.Topics);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.UserData.ToArray());
        // Owned partitions come back grouped by topic, topics in first-seen order: the wire groups them.
        Assert.Equal(version >= 1 ? [new("orders", 2), new("orders", 0), new("payments", 0)] : Array.Empty<TopicPartition>(), decoded.OwnedPartitions);
        Assert.Equal(version >= 2 ? 7 : -1, decoded.GenerationId);
        Assert.Equal(version >= 3 ? "rack-a" : null, decoded.RackId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void R5_an_assignment_round_trips_at_every_version(short version)
    {
        var assignment = new MemberAssignment([new("orders", 0), new("orders", 1), new("payments", 4)], new byte[] { 9 });

        var decoded = ConsumerProtocol.DecodeAssignment("member-1", ConsumerProtocol.EncodeAssignment(assignment, version));

        Assert.Equal(assignment.Partitions, decoded.Partitions);
        Assert.Equal(new byte[] { 9 }, decoded.UserData.ToArray());
    }

    [Fact]
    public void A_subscription_is_laid_out_as_Kafka_lays_out_ConsumerProtocolSubscription_v3()
    {
        var expected = new BigEndianBlob()
            .Int16(3)
            .Strings("orders", "payments")
            .Bytes([1, 2, 3])
            .TopicPartitions(("orders", [2, 0]), ("payments", [0]))
            .Int32(7)
            .String("rack-a")
            .ToArray();

        Assert.Equal(expected, ConsumerProtocol.EncodeSubscription(Full));
    }

    [Fact]
    public void Empty_user_data_is_written_as_null_as_Kafka_writes_it()
    {
        var subscription = MemberSubscription.Of("m", "t");

        var expected = new BigEndianBlob().Int16(0).Strings("t").Bytes(null).ToArray();

        Assert.Equal(expected, ConsumerProtocol.EncodeSubscription(subscription, 0));
        Assert.True(ConsumerProtocol.DecodeSubscription("m", null, expected).UserData.IsEmpty);
    }

    [Fact]
    public void R5_a_subscription_of_a_newer_version_is_read_as_version_3_and_its_new_fields_are_skipped()
    {
        // Version 4 as a future Kafka would write it: version 3's fields, then fields we do not know.
        var blob = new BigEndianBlob()
            .Int16(4)
            .Strings("orders")
            .Bytes(null)
            .TopicPartitions(("orders", [1]))
            .Int32(12)
            .String("rack-b")
            .Int32(123456)
            .String("a field from the future")
            .ToArray();

        var decoded = ConsumerProtocol.DecodeSubscription("m", null, blob);

        Assert.Equal(["orders"], decoded.Topics);
        Assert.Equal([new TopicPartition("orders", 1)], decoded.OwnedPartitions);
        Assert.Equal(12, decoded.GenerationId);
        Assert.Equal("rack-b", decoded.RackId);
    }

    [Fact]
    public void R5_an_assignment_of_a_newer_version_is_read_as_version_3()
    {
        var blob = new BigEndianBlob()
            .Int16(short.MaxValue)
            .TopicPartitions(("orders", [0, 3]))
            .Bytes([5])
            .Int32(-1)
            .ToArray();

        var decoded = ConsumerProtocol.DecodeAssignment("m", blob);

        Assert.Equal([new("orders", 0), new TopicPartition("orders", 3)], decoded.Partitions);
        Assert.Equal(new byte[] { 5 }, decoded.UserData.ToArray());
    }

    [Fact]
    public void A_version_1_subscription_has_no_generation_even_when_bytes_follow()
    {
        var blob = new BigEndianBlob().Int16(1).Strings("t").Bytes(null).TopicPartitions(("t", [0])).ToArray();

        var decoded = ConsumerProtocol.DecodeSubscription("m", null, blob);

        Assert.Equal(-1, decoded.GenerationId);
        Assert.Equal([new TopicPartition("t", 0)], decoded.OwnedPartitions);
    }

    [Fact]
    public void An_empty_assignment_blob_is_an_empty_assignment()
    {
        var decoded = ConsumerProtocol.DecodeAssignment("m", ReadOnlyMemory<byte>.Empty);

        Assert.Empty(decoded.Partitions);
        Assert.True(decoded.UserData.IsEmpty);
    }

    public static TheoryData<string, byte[], string> MalformedSubscriptions => new()
    {
        { "empty", [], "0 bytes, too short for the int16 version" },
        { "one byte", [0], "1 bytes, too short" },
        { "negative version", new BigEndianBlob().Int16(-1).Strings("t").Bytes(null).ToArray(), "version -1 is negative" },
        { "truncated topic", new BigEndianBlob().Int16(0).Int32(1).Int16(10).ToArray(), "version 0" },
        { "topic count beyond the bytes", new BigEndianBlob().Int16(0).Int32(1000).ToArray(), "1000 elements" },
        { "null topic list", new BigEndianBlob().Int16(0).Int32(-1).Bytes(null).ToArray(), "Topics" },
        { "missing owned partitions", new BigEndianBlob().Int16(1).Strings("t").Bytes(null).ToArray(), "version 1" },
        { "negative partition", new BigEndianBlob().Int16(1).Strings("t").Bytes(null).TopicPartitions(("t", [-3])).ToArray(), "partition -3 of topic 't' is negative" },
    };

    [Theory]
    [MemberData(nameof(MalformedSubscriptions))]
    public void A_malformed_subscription_is_a_KafkaProtocolException_naming_the_member_and_the_fault(string what, byte[] blob, string fault)
    {
        var e = Assert.Throws<KafkaProtocolException>(() => ConsumerProtocol.DecodeSubscription("member-7", null, blob));

        Assert.Contains("subscription", e.Message, StringComparison.Ordinal);
        Assert.Contains("'member-7'", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(fault, StringComparison.Ordinal), $"{what}: {e.Message}");
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void A_truncated_assignment_is_a_KafkaProtocolException_naming_the_member()
    {
        var blob = new BigEndianBlob().Int16(0).TopicPartitions(("t", [0, 1])).Bytes(null).ToArray();

        var e = Assert.Throws<KafkaProtocolException>(() => ConsumerProtocol.DecodeAssignment("member-9", blob[..^6]));

        Assert.Contains("assignment (SyncGroup) of member 'member-9'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_at_a_version_the_protocol_does_not_have_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsumerProtocol.EncodeSubscription(Full, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsumerProtocol.EncodeAssignment(MemberAssignment.Empty, -1));
    }
}
