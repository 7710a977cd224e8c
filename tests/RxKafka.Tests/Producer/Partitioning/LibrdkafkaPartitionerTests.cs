using System.Text;
using RxKafka.Cluster;
using RxKafka.Producer;
using RxKafka.Producer.Partitioning;
using static RxKafka.Tests.Producer.Partitioning.Topics;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>
/// librdkafka's partitioners by name (the <c>partitioner</c> setting): keyed records where librdkafka puts
/// them, null and empty keys as each variant treats them. The vectors are partitions Confluent.Kafka 2.15.1
/// chose among 7 partitions in the integration peer run (<c>ProducerPartitionerPeerTests</c>).
/// </summary>
public sealed class LibrdkafkaPartitionerTests
{
    private static readonly TopicMetadata Seven = Led("seven", 7);

    // Key bytes, then the partition among 7 under murmur2, consistent and fnv1a, as Confluent.Kafka chose them.
    [Theory]
    [InlineData("", 2, 0, 2)]
    [InlineData("6B65792D37", 3, 0, 4)] // "key-7"
    [InlineData("6B65792D3137", 2, 5, 1)] // "key-17"
    [InlineData("6B65792D3237", 1, 6, 3)]
    [InlineData("6B65792D3337", 4, 0, 6)]
    [InlineData("6B65792D3437", 6, 3, 1)]
    [InlineData("6B65792D3537", 0, 1, 4)]
    [InlineData("C385C384C396", 5, 3, 1)] // "ÅÄÖ"
    [InlineData("090A", 5, 3, 2)] // "\t\n"
    [InlineData("FFFF", 0, 2, 3)]
    [InlineData("8080808080", 3, 0, 4)]
    [InlineData("0E9C450115", 3, 1, 2)] // FNV-1a 0x80000000
    [InlineData("5E85329E52CB14", 6, 5, 2)]
    [InlineData("A581AE3F8DA6C36B65933CD7BD49", 5, 1, 0)]
    [InlineData("2DB8CE247AC00C388581359C3A472C", 2, 1, 1)]
    public void A_keyed_record_goes_where_librdkafka_put_it_in_the_peer_run(string keyHex, int murmur2, int consistent, int fnv1a)
    {
        var key = Convert.FromHexString(keyHex);
        foreach (var (name, expected) in new[]
        {
            (Partitioner.Murmur2, murmur2), (Partitioner.Murmur2Random, murmur2),
            (Partitioner.Consistent, consistent), (Partitioner.Fnv1a, fnv1a), (Partitioner.Fnv1aRandom, fnv1a),
        })
        {
            Assert.True(expected == Create(name).Partition(Seven, key, keyIsNull: false, valueLength: 1), $"{name.ToConfigValue()} of {keyHex}");
        }

        // consistent_random hashes every key but the empty one, which is sticky.
        if (key.Length > 0)
        {
            Assert.Equal(consistent, Create(Partitioner.ConsistentRandom).Partition(Seven, key, keyIsNull: false, valueLength: 1));
        }
    }

    [Fact]
    public void Murmur2_agrees_with_the_Java_table_for_every_key_and_count()
    {
        var partitioner = Create(Partitioner.Murmur2);
        foreach (var row in Murmur2Table.Rows)
        {
            foreach (var (count, expected) in row.Partitions)
            {
                Assert.True(expected == partitioner.Partition(Led("t" + count, count), row.Key, keyIsNull: false, valueLength: 1), $"{row.Label} over {count}");
            }
        }
    }

    [Fact]
    public void The_CRC32_is_read_unsigned_and_the_Fnv1a_hash_signed_then_made_positive()
    {
        // CRC-32 of "123456789" is 0xCBF43926 (its standard check value): unsigned % 7 is 5, a signed reading would give 6.
        Assert.Equal(5, ConsistentHash.Partition("123456789"u8, 7));

        // FNV-1a's standard vectors, then librdkafka's abs(): 0xE40C292C is -468965076, whose absolute value % 7 is 6.
        Assert.Equal(Fnv1a.OffsetBasis, Fnv1a.Hash([]));
        Assert.Equal(0xE40C292Cu, Fnv1a.Hash("a"u8));
        Assert.Equal(0xBF9CF968u, Fnv1a.Hash("foobar"u8));
        Assert.Equal(6, Fnv1a.Partition("a"u8, 7));

        // int.MinValue has no absolute value: it stays 2^31, as in C.
        Assert.Equal(0x80000000u, Fnv1a.Hash(Convert.FromHexString("0E9C450115")));
        Assert.Equal(2, Fnv1a.Partition(Convert.FromHexString("0E9C450115"), 7));
    }

    [Theory]
    [InlineData(Partitioner.Murmur2, 2)]
    [InlineData(Partitioner.Consistent, 0)]
    [InlineData(Partitioner.Fnv1a, 2)]
    public void Without_random_in_the_name_a_null_key_goes_where_the_empty_key_goes_every_time(Partitioner name, int expected)
    {
        var partitioner = Create(name);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(expected, partitioner.Partition(Seven, default, keyIsNull: true, valueLength: 1));
            Assert.Equal(expected, partitioner.Partition(Seven, [], keyIsNull: false, valueLength: 1));
            partitioner.OnNewBatch(Seven, expected);
        }
    }

    [Theory]
    [InlineData(Partitioner.Murmur2Random, true, false)]
    [InlineData(Partitioner.Fnv1aRandom, true, false)]
    [InlineData(Partitioner.ConsistentRandom, true, true)]
    [InlineData(Partitioner.Random, true, false)]
    [InlineData(Partitioner.Murmur2, false, false)]
    [InlineData(Partitioner.Consistent, false, false)]
    [InlineData(Partitioner.Fnv1a, false, false)]
    public void Null_and_empty_keys_are_sticky_exactly_where_librdkafka_makes_them_sticky(Partitioner name, bool nullIsSticky, bool emptyIsSticky)
    {
        Assert.Equal(nullIsSticky, IsSticky(Create(name), keyIsNull: true));
        Assert.Equal(emptyIsSticky, IsSticky(Create(name), keyIsNull: false));
    }

    [Fact]
    public void Sticky_records_stay_on_one_partition_with_a_leader_until_its_batch_completes()
    {
        var partitioner = Create(Partitioner.ConsistentRandom);
        var available = Available(Orders);
        var visited = new HashSet<int>();
        for (var batch = 0; batch < 30; batch++)
        {
            var sticky = partitioner.Partition(Orders, default, keyIsNull: true, valueLength: 1);
            Assert.Contains(sticky, available);
            Assert.Equal(sticky, partitioner.Partition(Orders, [], keyIsNull: false, valueLength: 1));
            Assert.Equal(sticky, partitioner.Partition(Orders, default, keyIsNull: true, valueLength: 1));
            visited.Add(sticky);
            partitioner.OnNewBatch(Orders, sticky);
        }

        Assert.Equal(available.Order(), visited.Order());
    }

    [Fact]
    public void Random_spreads_keyed_records_over_the_partitions_with_a_leader_whatever_their_keys()
    {
        var partitioner = Create(Partitioner.Random);
        var key = "the same key"u8.ToArray();

        var chosen = Enumerable.Range(0, 200).Select(_ => partitioner.Partition(Orders, key, keyIsNull: false, valueLength: 1)).ToList();

        Assert.Equal(Available(Orders).Order(), chosen.Distinct().Order());
    }

    [Fact]
    public void Hashes_run_over_every_partition_whether_it_has_a_leader_or_not()
    {
        var leaderless = Topic("leaderless", NoLeader, NoLeader, NoLeader, NoLeader, NoLeader, NoLeader, NoLeader);
        var key = Encoding.UTF8.GetBytes("key-17");
        Assert.Equal(5, Create(Partitioner.Consistent).Partition(leaderless, key, keyIsNull: false, valueLength: 1));
        Assert.Equal(1, Create(Partitioner.Fnv1a).Partition(leaderless, key, keyIsNull: false, valueLength: 1));
        Assert.Equal(2, Create(Partitioner.Murmur2).Partition(leaderless, key, keyIsNull: false, valueLength: 1));
    }

    [Fact]
    public void Murmur2_random_is_the_DefaultPartitioner()
    {
        Assert.IsType<DefaultPartitioner>(Create(Partitioner.Murmur2Random));
        Assert.IsType<LibrdkafkaPartitioner>(Create(Partitioner.Fnv1a));
    }

    private static IPartitioner Create(Partitioner name) => Partitioners.Create(name, new Random(7));

    // Sticky: every record goes to one partition until a batch completes, then it moves (over 30 batches, somewhere else).
    private static bool IsSticky(IPartitioner partitioner, bool keyIsNull)
    {
        var first = partitioner.Partition(Seven, default, keyIsNull, valueLength: 1);
        var sameUntilBatch = Enumerable.Range(0, 20).All(_ => partitioner.Partition(Seven, default, keyIsNull, valueLength: 1) == first);
        var seen = new HashSet<int>();
        for (var batch = 0; batch < 30; batch++)
        {
            var partition = partitioner.Partition(Seven, default, keyIsNull, valueLength: 1);
            seen.Add(partition);
            partitioner.OnNewBatch(Seven, partition);
        }

        return sameUntilBatch && seen.Count > 1;
    }
}
