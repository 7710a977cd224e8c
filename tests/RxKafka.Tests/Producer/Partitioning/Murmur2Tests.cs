using System.Text;
using FsCheck;
using FsCheck.Fluent;
using RxKafka.Producer;
using RxKafka.Producer.Partitioning;

namespace RxKafka.Tests.Producer.Partitioning;

/// <summary>
/// Kafka's key hash: the values other clients publish, the key -> partition table derived from the
/// Java algorithm, every length of trailing bytes, and partitions always in range.
/// </summary>
public sealed class Murmur2Tests
{
    // Apache Kafka, clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2
    // (read at commit f55581dc73953c3509a4702433aeeeddc2970779): Utils.murmur2 of each key's bytes.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    public void Kafka_UtilsTest_testMurmur2_values(string key, int expected) =>
        Assert.Equal(expected, Murmur2.Hash(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Kafka_UtilsTest_testMurmur2_value_for_the_bytes_a_b_c() =>
        Assert.Equal(479470107, Murmur2.Hash([(byte)'a', (byte)'b', (byte)'c']));

    // librdkafka, src/rdmurmur2.c, unittest_murmur2 (commit 6cbbd2f7aee9cad3be4aea2c169f12b5b3d787b0): the Java
    // client's murmur2 results it checks rd_murmur2 against, the shorter keys being suffixes of the first one
    // of their group (its unaligned cases).
    [Theory]
    [InlineData("kafka", 0xd067cf64)]
    [InlineData("giberish123456789", 0x8f552b0c)]
    [InlineData("1234", 0x9fc97b14)]
    [InlineData("234", 0xe7c009ca)]
    [InlineData("34", 0x873930da)]
    [InlineData("4", 0x5a4b5ca1)]
    [InlineData("PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1c)]
    [InlineData("reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62b377)]
    [InlineData("eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4e09e)]
    [InlineData("AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8b43f)]
    [InlineData("", 0x106e08d9)]
    public void Librdkafka_rdmurmur2_unit_test_values(string key, uint expected) =>
        Assert.Equal(unchecked((int)expected), Murmur2.Hash(Encoding.UTF8.GetBytes(key)));

    // librdkafka, tests/0048-partitioner.c, do_test_partitioners (commit 2006b4ef4e7392e24633cfd5580557c610907559):
    // the partitions its "murmur2" and "murmur2_random" partitioners must pick, as the positive hash (made with
    // the Java client, "tests/java/Murmur2Cli") modulo the test topic's 7 or 17 partitions.
    [Theory]
    [InlineData("", 0x106e08d9)]
    [InlineData("23456", 0x058d780f)]
    [InlineData("this is another string with more length to it perhaps", 0x4f7703da)]
    [InlineData("hejsan", 0x5ec19395)]
    public void Librdkafka_murmur2_partitioner_test_partitions(string key, int positiveHash)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        Assert.Equal(positiveHash, Murmur2.ToPositive(Murmur2.Hash(bytes)));
        Assert.Equal(positiveHash % 7, Murmur2.Partition(bytes, 7));
        Assert.Equal(positiveHash % 17, Murmur2.Partition(bytes, 17));
    }

    [Fact]
    public void Every_key_of_the_table_hashes_and_partitions_as_the_Java_algorithm()
    {
        var rows = Murmur2Table.Rows;
        Assert.True(rows.Count >= 50, $"the table has {rows.Count} keys");
        foreach (var row in rows)
        {
            Assert.True(row.Hash == Murmur2.Hash(row.Key), $"murmur2 of {row.Label}");
            foreach (var (count, partition) in row.Partitions)
            {
                Assert.True(partition == Murmur2.Partition(row.Key, count), $"{row.Label} over {count} partitions: expected {partition}, got {Murmur2.Partition(row.Key, count)}");
            }
        }
    }

    [Fact]
    public void The_table_covers_every_length_up_to_nine_and_every_trailing_length_with_high_bytes()
    {
        var rows = Murmur2Table.Rows;
        Assert.All(Enumerable.Range(0, 10), length => Assert.Contains(rows, r => r.Key.Length == length));
        Assert.Contains(rows, r => r.Key.Length > 200);
        Assert.Equal([1, 2, 3, 6, 10, 12, 50, 100], rows[0].Partitions.Select(p => p.Count));

        // A trailing byte of 0x80 or more is where a signed-byte mistake would show.
        Assert.All([1, 2, 3], tail => Assert.Contains(rows, r => r.Key.Length % 4 == tail && r.Key[^1] >= 0x80));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void Every_length_hashes_the_same_wherever_the_bytes_start_and_every_byte_counts(int length)
    {
        var key = Enumerable.Range(0, length).Select(i => (byte)(0x9b + (i * 37))).ToArray();
        var hash = Murmur2.Hash(key);

        // Unaligned starts read the same little-endian words.
        for (var offset = 1; offset < 4; offset++)
        {
            var buffer = new byte[offset + length + 3];
            key.CopyTo(buffer, offset);
            Assert.Equal(hash, Murmur2.Hash(buffer.AsSpan(offset, length)));
        }

        // Each byte, in the whole words and in the 1-3 trailing ones, reaches the hash.
        for (var i = 0; i < length; i++)
        {
            var changed = (byte[])key.Clone();
            changed[i] ^= 0x80;
            Assert.NotEqual(hash, Murmur2.Hash(changed));
        }

        // The length goes in with the seed: a zero byte more is another key.
        Assert.NotEqual(hash, Murmur2.Hash([.. key, 0]));
    }

    [Fact]
    public void ToPositive_clears_the_sign_bit_as_the_Java_client_does()
    {
        Assert.Equal(0, Murmur2.ToPositive(int.MinValue));
        Assert.Equal(int.MaxValue, Murmur2.ToPositive(-1));
        Assert.Equal(5, Murmur2.ToPositive(5));
        Assert.Equal(0x7fffff00, Murmur2.ToPositive(unchecked((int)0xffffff00)));
    }

    [Fact]
    public void A_partition_is_always_in_range_and_is_the_positive_hash_modulo_the_count()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true);
        var keys = ArbMap.Default.ArbFor<byte[]>();
        var counts = Gen.OneOf(Gen.Choose(1, 120), Gen.Choose(1, int.MaxValue)).ToArbitrary();

        Check.One(config, Prop.ForAll(keys, counts, (key, count) =>
        {
            var partition = Murmur2.Partition(key, count);
            Assert.InRange(partition, 0, count - 1);
            Assert.Equal((Murmur2.Hash(key) & 0x7fffffff) % count, partition);
        }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_partition_count_below_one_is_refused(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Murmur2.Partition("key"u8, count));
}
