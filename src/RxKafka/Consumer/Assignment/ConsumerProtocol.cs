using System.Buffers;
using System.Buffers.Binary;
using RxKafka.Protocol.Messages;

namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The consumer protocol's blobs inside classic group requests: a member's subscription (JoinGroup protocol
/// metadata, ConsumerProtocolSubscription v0-3) and its assignment (SyncGroup, ConsumerProtocolAssignment v0-3).
/// Each blob is an int16 version followed by the body at that version, never flexible. A version newer than this
/// client knows is read as the newest it knows: these schemas only ever add fields at the end (Kafka's rule), so
/// what we know is a prefix of what was written.
/// </summary>
internal static class ConsumerProtocol
{
    /// <summary>The newest subscription version this client writes and reads fully.</summary>
    public const short SubscriptionVersion = 3;

    /// <summary>The newest assignment version this client writes and reads fully.</summary>
    public const short AssignmentVersion = 3;

    /// <summary>Encodes <paramref name="subscription"/> at <paramref name="version"/>; fields the version lacks are left out, as Kafka's ignorable fields are.</summary>
    public static byte[] EncodeSubscription(MemberSubscription subscription, short version = SubscriptionVersion)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var message = new ConsumerProtocolSubscription
        {
            Topics = [.. subscription.Topics],
            UserData = UserDataOrNull(subscription.UserData),
            GenerationId = subscription.GenerationId,
            RackId = subscription.RackId,
        };
        foreach (var (topic, partitions) in GroupByTopic(subscription.OwnedPartitions))
        {
            message.OwnedPartitions.Add(new ConsumerProtocolSubscription.TopicPartition { Topic = topic, Partitions = partitions });
        }

        return Versioned(message, version, "subscription");
    }

    /// <summary>Encodes <paramref name="assignment"/> at <paramref name="version"/>.</summary>
    public static byte[] EncodeAssignment(MemberAssignment assignment, short version = AssignmentVersion)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var message = new ConsumerProtocolAssignment { UserData = UserDataOrNull(assignment.UserData) };
        foreach (var (topic, partitions) in GroupByTopic(assignment.Partitions))
        {
            message.AssignedPartitions.Add(new ConsumerProtocolAssignment.TopicPartition { Topic = topic, Partitions = partitions });
        }

        return Versioned(message, version, "assignment");
    }

    /// <summary>Decodes the JoinGroup protocol metadata of the member <paramref name="memberId"/>.</summary>
    /// <exception cref="KafkaProtocolException">The blob is empty, truncated, of a negative version or otherwise malformed; the message names the member.</exception>
    public static MemberSubscription DecodeSubscription(string memberId, string? groupInstanceId, ReadOnlyMemory<byte> metadata)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        var message = new ConsumerProtocolSubscription();
        var version = ReadVersioned(message, metadata, memberId, "subscription (JoinGroup protocol metadata)");
        var owned = Flatten(message.OwnedPartitions.Select(t => (t.Topic, t.Partitions)), memberId, "subscription", version);
        return new MemberSubscription(
            memberId,
            groupInstanceId,
            message.Topics.AsReadOnly(),
            message.UserData ?? ReadOnlyMemory<byte>.Empty,
            owned,
            version >= 2 ? message.GenerationId : MemberSubscription.NoGeneration,
            message.RackId);
    }

    /// <summary>
    /// Decodes the SyncGroup assignment of the member <paramref name="memberId"/>. An empty blob is an empty
    /// assignment: the coordinator sends one to a member the leader gave nothing.
    /// </summary>
    /// <exception cref="KafkaProtocolException">The blob is truncated, of a negative version or otherwise malformed; the message names the member.</exception>
    public static MemberAssignment DecodeAssignment(string memberId, ReadOnlyMemory<byte> assignment)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        if (assignment.IsEmpty)
        {
            return MemberAssignment.Empty;
        }

        var message = new ConsumerProtocolAssignment();
        var version = ReadVersioned(message, assignment, memberId, "assignment (SyncGroup)");
        var partitions = Flatten(message.AssignedPartitions.Select(t => (t.Topic, t.Partitions)), memberId, "assignment", version);
        return new MemberAssignment(partitions, message.UserData ?? ReadOnlyMemory<byte>.Empty);
    }

    // Kafka writes null user data when an assignor has none; empty and null mean the same to every assignor.
    private static byte[]? UserDataOrNull(ReadOnlyMemory<byte> userData) => userData.IsEmpty ? null : userData.ToArray();

    private static byte[] Versioned(KafkaMessage message, short version, string what)
    {
        if (version < message.LowestSupportedVersion || version > message.HighestSupportedVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"the consumer protocol {what} has versions {message.LowestSupportedVersion}-{message.HighestSupportedVersion}");
        }

        var output = new ArrayBufferWriter<byte>(2 + message.ComputeSize(version));
        BinaryPrimitives.WriteInt16BigEndian(output.GetSpan(2), version);
        output.Advance(2);
        message.Write(output, version);
        return output.WrittenSpan.ToArray();
    }

    private static short ReadVersioned(KafkaMessage message, ReadOnlyMemory<byte> blob, string memberId, string what)
    {
        if (blob.Length < 2)
        {
            throw Malformed(memberId, what, $"{blob.Length} bytes, too short for the int16 version that starts it");
        }

        var version = BinaryPrimitives.ReadInt16BigEndian(blob.Span);
        if (version < 0)
        {
            throw Malformed(memberId, what, $"version {version} is negative");
        }

        // Newer versions only append fields: read the newest we know and leave the rest unread.
        var readAs = Math.Min(version, message.HighestSupportedVersion);
        try
        {
            message.Read(blob[2..], readAs);
        }
        catch (KafkaProtocolException e)
        {
            throw Malformed(memberId, what, $"version {version} ({blob.Length} bytes): {e.Message}", e);
        }

        return readAs;
    }

    private static IReadOnlyList<TopicPartition> Flatten(IEnumerable<(string Topic, List<int> Partitions)> topics, string memberId, string what, short version)
    {
        var result = new List<TopicPartition>();
        foreach (var (topic, partitions) in topics)
        {
            foreach (var partition in partitions)
            {
                if (partition < 0)
                {
                    throw Malformed(memberId, what, $"version {version}: partition {partition} of topic '{topic}' is negative");
                }

                result.Add(new TopicPartition(topic, partition));
            }
        }

        return result.AsReadOnly();
    }

    // Topics in the order they first appear, each topic's partitions in the order given: the wire groups by topic.
    private static IEnumerable<(string Topic, List<int> Partitions)> GroupByTopic(IEnumerable<TopicPartition> partitions) =>
        partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => (g.Key, g.Select(p => p.Partition).ToList()));

    private static KafkaProtocolException Malformed(string memberId, string what, string detail, Exception? inner = null) =>
        new($"malformed consumer protocol {what} of member '{memberId}': {detail}", inner);
}
