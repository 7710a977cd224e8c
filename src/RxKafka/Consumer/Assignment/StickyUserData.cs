using System.Buffers;
using System.Buffers.Binary;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Consumer.Assignment;

/// <summary>
/// The sticky assignors' subscription user data, for leaders that cannot read owned partitions and generations
/// from the subscription itself (versions 0 and 1 of it):
/// <list type="bullet">
/// <item>the eager sticky assignor's (Java's StickyAssignor and librdkafka's sticky assignor, KIP-54/KIP-341):
/// <c>[previous_assignment: topic [partition]] generation</c> (version 1; version 0 has no generation), with
/// no version prefix, written once the member has had an assignment;</item>
/// <item>the cooperative sticky assignor's (Java's CooperativeStickyAssignor): the generation as one int32.</item>
/// </list>
/// </summary>
internal static class StickyUserData
{
    /// <summary>Writes the previous assignment and its generation (sticky user data version 1).</summary>
    public static byte[] WritePreviousAssignment(IReadOnlyList<TopicPartition> previousAssignment, int generationId)
    {
        var output = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(output);
        var topics = previousAssignment.GroupBy(p => p.Topic, StringComparer.Ordinal).ToList();
        writer.WriteArrayLength(topics.Count, false);
        foreach (var topic in topics)
        {
            writer.WriteString(topic.Key, false);
            writer.WriteArrayLength(topic.Count(), false);
            foreach (var partition in topic)
            {
                writer.WriteInt32(partition.Partition);
            }
        }

        writer.WriteInt32(generationId);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads sticky user data (version 1, or version 0 without the generation). Returns false, and no partitions,
    /// for bytes that are not sticky user data; an assignor then treats the member as owning nothing, as Java's does.
    /// </summary>
    public static bool TryReadPreviousAssignment(ReadOnlyMemory<byte> userData, out List<TopicPartition> previousAssignment, out int generationId)
    {
        previousAssignment = [];
        generationId = MemberSubscription.NoGeneration;
        if (userData.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new KafkaReader(userData);
            var topics = reader.ReadArrayLength(false);
            for (var t = 0; t < topics; t++)
            {
                var topic = reader.ReadString(false);
                var partitions = reader.ReadArrayLength(false);
                for (var p = 0; p < partitions; p++)
                {
                    var partition = reader.ReadInt32();
                    if (partition < 0)
                    {
                        previousAssignment = [];
                        return false;
                    }

                    previousAssignment.Add(new TopicPartition(topic, partition));
                }
            }

            // Version 0 stops here; version 1 adds the generation.
            generationId = reader.Remaining >= 4 ? reader.ReadInt32() : MemberSubscription.NoGeneration;
            return true;
        }
        catch (KafkaProtocolException)
        {
            previousAssignment = [];
            generationId = MemberSubscription.NoGeneration;
            return false;
        }
    }

    /// <summary>Writes the cooperative sticky assignor's user data: the generation as one int32.</summary>
    public static byte[] WriteGeneration(int generationId)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, generationId);
        return bytes;
    }

    /// <summary>
    /// The generation in a cooperative member's user data: Java's four bytes, or the generation at the end of
    /// sticky user data (librdkafka writes that for its cooperative-sticky assignor); -1 when neither.
    /// </summary>
    public static int ReadGeneration(ReadOnlyMemory<byte> userData)
    {
        if (userData.Length == 4)
        {
            return BinaryPrimitives.ReadInt32BigEndian(userData.Span);
        }

        return TryReadPreviousAssignment(userData, out _, out var generation) ? generation : MemberSubscription.NoGeneration;
    }
}
