using RxKafka.Consumer;
using RxKafka.Testing;

namespace RxKafka.Tests.Consumer;

/// <summary>The consumer's group metadata, which a transactional producer sends with offsets (T1, KIP-447).</summary>
public sealed class ConsumerGroupMetadataTests : ConsumerTestBed
{
    [Fact]
    public void T1_a_members_group_metadata_is_its_group_generation_and_member_id()
    {
        var consumer = Consumer(Options with { GroupId = "g" });
        Assert.Equal(new ConsumerGroupMetadata("g", -1, "", null), consumer.GroupMetadata);

        consumer.Subscribe(["t"]);
        Assert.True(Scheduler.AdvanceUntil(() => consumer.Assignment.Count == 3, Scheduler.Clock + TimeSpan.FromSeconds(30).Ticks));

        var group = Cluster.DescribeGroup("g")!;
        var metadata = consumer.GroupMetadata;
        Assert.Equal("g", metadata.GroupId);
        Assert.Equal(group.GenerationId, metadata.GenerationId);
        Assert.True(metadata.GenerationId > 0);
        Assert.Equal(group.Members.Single().MemberId, metadata.MemberId);
    }

    [Fact]
    public void A_consumer_without_a_group_has_no_group_metadata()
    {
        var consumer = Consumer();
        Assert.Contains("group.id", Assert.Throws<InvalidOperationException>(() => consumer.GroupMetadata).Message);
    }
}
