using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>
/// Bytes worked out by hand from the Kafka protocol guide (https://kafka.apache.org/protocol):
/// big-endian fixed-width integers; STRING = int16 length + UTF-8; ARRAY = int32 count;
/// BYTES/RECORDS = int32 length; in flexible versions COMPACT_* lengths are unsigned varint
/// (length + 1, 0 = null) and every struct ends with a tagged-field section (uvarint count,
/// then tag, size, value for each). Each test encodes, compares, then decodes the same bytes.
/// </summary>
public sealed class GoldenBytesTests
{
    private static readonly Guid TopicId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    private static byte[] Hex(string spaced) => Convert.FromHexString(string.Concat(spaced.Where(c => !char.IsWhiteSpace(c) && c != '|')));

    /// <param name="lossless">False when the message sets an ignorable field the version lacks, so decoding cannot give it back.</param>
    private static void AssertGolden<T>(T message, short version, string hex, bool lossless = true)
        where T : KafkaMessage, new()
    {
        var expected = Hex(hex);
        var actual = message.ToArray(version);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{typeof(T).Name} v{version}\nexpected {Convert.ToHexString(expected)}\nactual   {Convert.ToHexString(actual)}");

        var decoded = new T();
        var reader = new KafkaReader(expected);
        decoded.Read(ref reader, version);
        Assert.True(reader.End, "bytes left over after decoding");
        Assert.True(expected.AsSpan().SequenceEqual(decoded.ToArray(version)), "decoded message re-encodes differently");
        if (lossless)
        {
            Assert.Null(RandomMessages.Difference(message, decoded));
        }
    }

    // ---------------- ApiVersions ----------------

    [Fact]
    public void ApiVersionsRequest_v0_and_v2_have_an_empty_body()
    {
        AssertGolden(new ApiVersionsRequest(), 0, "");
        AssertGolden(new ApiVersionsRequest(), 2, "");
    }

    [Fact]
    public void ApiVersionsRequest_v4_carries_the_client_software_as_compact_strings()
    {
        AssertGolden(new ApiVersionsRequest { ClientSoftwareName = "rxkafka", ClientSoftwareVersion = "1.0" }, 4,
            "08 72786B61666B61" + // compact string length 7+1, "rxkafka"
            "04 312E30" +         // compact string length 3+1, "1.0"
            "00");                // no tagged fields
    }

    private static ApiVersionsResponse TwoApis(int throttle = 0) => new()
    {
        ThrottleTimeMs = throttle,
        ApiKeys =
        [
            new ApiVersionsResponse.ApiVersion { ApiKey = 0, MinVersion = 0, MaxVersion = 11 },
            new ApiVersionsResponse.ApiVersion { ApiKey = 3, MinVersion = 0, MaxVersion = 12 },
        ],
    };

    [Fact]
    public void ApiVersionsResponse_v0_v1_v4()
    {
        AssertGolden(TwoApis(), 0,
            "0000" +                    // error code
            "00000002" +                // array of 2
            "0000 0000 000B" +          // Produce 0-11
            "0003 0000 000C");          // Metadata 0-12
        AssertGolden(TwoApis(100), 1,
            "0000 00000002 0000 0000 000B 0003 0000 000C" +
            "00000064");                // throttle time 100 (v1+)
        AssertGolden(TwoApis(100), 4,
            "0000" +                    // error code
            "03" +                      // compact array: 2+1
            "0000 0000 000B 00" +       // Produce 0-11, no tagged fields
            "0003 0000 000C 00" +       // Metadata 0-12
            "00000064" +                // throttle time
            "00");                      // no tagged fields
    }

    [Fact]
    public void ApiVersionsResponse_v3_writes_a_set_tagged_field_and_omits_defaults()
    {
        var response = TwoApis();
        response.FinalizedFeaturesEpoch = 7; // tag 1, int64; the other tagged fields stay at their defaults
        AssertGolden(response, 3,
            "0000 03 0000 0000 000B 00 0003 0000 000C 00 00000000" +
            "01" +                      // one tagged field
            "01 08 0000000000000007");  // tag 1, size 8, epoch 7
    }

    // ---------------- Metadata ----------------

    [Fact]
    public void MetadataRequest_v0_v4_v12()
    {
        AssertGolden(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "orders" }] }, 0,
            "00000001" +                // one topic
            "0006 6F7264657273");       // "orders"
        AssertGolden(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, 4,
            "FFFFFFFF" +                // null topics: all topics (v1+)
            "00");                      // allow auto topic creation false (v4+)
        AssertGolden(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { TopicId = TopicId, Name = "orders" }], IncludeTopicAuthorizedOperations = true }, 12,
            "02" +                                  // compact array of 1
            "00112233445566778899AABBCCDDEEFF" +    // topic id (v10+), most significant byte first
            "07 6F7264657273" +                     // compact nullable string "orders"
            "00" +                                  // topic: no tagged fields
            "01" +                                  // allow auto topic creation (default true)
            "01" +                                  // include topic authorized operations (v8+)
            "00");                                  // no tagged fields (cluster operations exist in v8-10 only)
    }

    private static MetadataResponse OneBrokerOneTopic() => new()
    {
        Brokers = [new MetadataResponse.MetadataResponseBroker { NodeId = 1, Host = "b1", Port = 9092 }],
        Topics =
        [
            new MetadataResponse.MetadataResponseTopic
            {
                Name = "t",
                Partitions = [new MetadataResponse.MetadataResponsePartition { PartitionIndex = 0, LeaderId = 1, ReplicaNodes = [1], IsrNodes = [1] }],
            },
        ],
    };

    [Fact]
    public void MetadataResponse_v0_v7_v12()
    {
        AssertGolden(OneBrokerOneTopic(), 0,
            "00000001 00000001 0002 6231 00002384" + // brokers: [1, "b1", 9092]
            "00000001" +                            // topics: 1
            "0000 0001 74" +                        // error 0, "t"
            "00000001" +                            // partitions: 1
            "0000 00000000 00000001" +              // error 0, partition 0, leader 1
            "00000001 00000001" +                   // replicas [1]
            "00000001 00000001");                   // isr [1]

        var v7 = OneBrokerOneTopic();
        v7.ClusterId = "c";
        v7.ControllerId = 1;
        v7.Topics[0].Partitions[0].LeaderEpoch = 5;
        AssertGolden(v7, 7,
            "00000000" +                            // throttle (v3+)
            "00000001 00000001 0002 6231 00002384 FFFF" + // broker with null rack (v1+)
            "0001 63" +                             // cluster id "c" (v2+)
            "00000001" +                            // controller id (v1+)
            "00000001 0000 0001 74 00" +            // topic: error, "t", is internal false (v1+)
            "00000001 0000 00000000 00000001 00000005" + // partition: error, index, leader, leader epoch 5 (v7+)
            "00000001 00000001 00000001 00000001" + // replicas, isr
            "00000000");                            // offline replicas (v5+): empty

        var v12 = OneBrokerOneTopic();
        v12.Topics[0].TopicId = TopicId;
        AssertGolden(v12, 12,
            "00000000" +                            // throttle
            "02 00000001 03 6231 00002384 00 00" +  // compact brokers: id, "b1", port, null rack, no tags
            "00" +                                  // cluster id null
            "FFFFFFFF" +                            // controller id -1 (default)
            "02 0000 02 74" +                       // compact topics: error, "t"
            "00112233445566778899AABBCCDDEEFF 00" + // topic id, is internal false
            "02 0000 00000000 00000001 FFFFFFFF" +  // partition: error, index, leader, epoch -1
            "02 00000001 02 00000001 01 00" +       // replicas [1], isr [1], offline [], no tags
            "80000000 00" +                         // topic authorized operations (int min), no tags
            "00");                                  // no tagged fields
    }

    // ---------------- Produce ----------------

    private static ProduceRequest OneRecordSet(short acks) => new()
    {
        Acks = acks,
        TimeoutMs = 30000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = "t",
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new byte[] { 1, 2, 3 } }],
            },
        ],
    };

    [Fact]
    public void ProduceRequest_v0_v3_v11()
    {
        AssertGolden(OneRecordSet(1), 0,
            "0001 00007530" +           // acks 1, timeout 30000
            "00000001 0001 74" +        // one topic "t"
            "00000001 00000000" +       // one partition, index 0
            "00000003 010203");         // records: 3 bytes

        var v3 = OneRecordSet(-1);
        v3.TransactionalId = "tx";
        AssertGolden(v3, 3,
            "0002 7478" +               // transactional id "tx" (v3+)
            "FFFF 00007530 00000001 0001 74 00000001 00000000 00000003 010203");

        AssertGolden(OneRecordSet(-1), 11,
            "00" +                      // null transactional id, compact
            "FFFF 00007530" +           // acks -1 (all), timeout
            "02 02 74" +                // compact array of 1, compact string "t"
            "02 00000000" +             // compact array of 1, partition 0
            "04 010203" +               // compact records: 3+1
            "00 00 00");                // partition, topic, request: no tagged fields
    }

    private static ProduceResponse OneAck(long offset) => new()
    {
        Responses =
        [
            new ProduceResponse.TopicProduceResponse
            {
                Name = "t",
                PartitionResponses = [new ProduceResponse.PartitionProduceResponse { Index = 0, BaseOffset = offset }],
            },
        ],
    };

    [Fact]
    public void ProduceResponse_v0_v5_v11()
    {
        AssertGolden(OneAck(42), 0, "00000001 0001 74 00000001 00000000 0000 000000000000002A");

        var v5 = OneAck(42);
        v5.Responses[0].PartitionResponses[0].LogStartOffset = 7;
        AssertGolden(v5, 5,
            "00000001 0001 74 00000001 00000000 0000 000000000000002A" +
            "FFFFFFFFFFFFFFFF" +        // log append time -1 (v2+)
            "0000000000000007" +        // log start offset (v5+)
            "00000000");                // throttle time (v1+)

        var v11 = OneAck(42);
        v11.Responses[0].PartitionResponses[0].CurrentLeader = new ProduceResponse.LeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 5 };
        AssertGolden(v11, 11,
            "02 02 74 02 00000000 0000 000000000000002A" +
            "FFFFFFFFFFFFFFFF FFFFFFFFFFFFFFFF" + // log append time, log start offset
            "01" +                      // record errors: empty compact array (v8+)
            "00" +                      // error message: null
            "01 00 09 00000002 00000005 00" + // one tagged field: tag 0, 9 bytes: current leader 2, epoch 5, no tags
            "00" +                      // topic: no tagged fields
            "00000000" +                // throttle time
            "00");                      // no tagged fields (node endpoints empty: default)
    }

    // ---------------- Fetch ----------------

    private static FetchRequest OnePartitionFetch() => new()
    {
        MaxWaitMs = 500,
        MinBytes = 1,
        Topics =
        [
            new FetchRequest.FetchTopic
            {
                Topic = "t",
                TopicId = TopicId,
                Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 100, PartitionMaxBytes = 1048576 }],
            },
        ],
    };

    [Fact]
    public void FetchRequest_v0_v7_v17()
    {
        AssertGolden(OnePartitionFetch(), 0,
            "FFFFFFFF 000001F4 00000001" +  // replica id -1, max wait 500, min bytes 1
            "00000001 0001 74" +            // one topic "t" (topic id is ignorable and absent before v13)
            "00000001 00000000 0000000000000064 00100000", // partition 0, offset 100, max bytes 1 MiB
            lossless: false);

        var v7 = OnePartitionFetch();
        v7.IsolationLevel = 1;
        AssertGolden(v7, 7,
            "FFFFFFFF 000001F4 00000001" +
            "7FFFFFFF" +                    // max bytes (v3+), default
            "01" +                          // isolation level read_committed (v4+)
            "00000000 FFFFFFFF" +           // session id 0, epoch -1 (v7+)
            "00000001 0001 74 00000001 00000000 0000000000000064" +
            "FFFFFFFFFFFFFFFF" +            // log start offset -1 (v5+)
            "00100000" +
            "00000000",                     // forgotten topics (v7+): empty
            lossless: false);

        AssertGolden(OnePartitionFetch(), 17,
            "000001F4 00000001 7FFFFFFF 00 00000000 FFFFFFFF" + // no replica id from v15 (it moved to a tagged field)
            "02 00112233445566778899AABBCCDDEEFF" +  // compact topics, topic id (v13+) instead of the name
            "02 00000000 FFFFFFFF" +        // partition 0, current leader epoch -1 (v9+)
            "0000000000000064 FFFFFFFF" +   // fetch offset, last fetched epoch -1 (v12+)
            "FFFFFFFFFFFFFFFF 00100000 00" + // log start offset, max bytes, no tags
            "00" +                          // topic: no tags
            "01" +                          // forgotten topics: empty compact array
            "01" +                          // rack id: "" compact
            "00",                           // no tagged fields
            lossless: false);               // the topic name exists up to v12 only
    }

    [Fact]
    public void FetchResponse_v0_v4_v16()
    {
        FetchResponse Make() => new()
        {
            Responses =
            [
                new FetchResponse.FetchableTopicResponse
                {
                    Topic = "t",
                    TopicId = TopicId,
                    Partitions = [new FetchResponse.PartitionData { PartitionIndex = 0, HighWatermark = 10, Records = new byte[] { 0xAB } }],
                },
            ],
        };

        AssertGolden(Make(), 0,
            "00000001 0001 74 00000001" +
            "00000000 0000 000000000000000A" + // partition 0, no error, high watermark 10
            "00000001 AB",                     // records: 1 byte
            lossless: false);

        var v4 = Make();
        v4.Responses[0].Partitions[0].AbortedTransactions = [new FetchResponse.AbortedTransaction { ProducerId = 3, FirstOffset = 4 }];
        AssertGolden(v4, 4,
            "00000000" +                        // throttle (v1+)
            "00000001 0001 74 00000001 00000000 0000 000000000000000A" +
            "FFFFFFFFFFFFFFFF" +                // last stable offset -1 (v4+)
            "00000001 0000000000000003 0000000000000004" + // aborted transactions
            "00000001 AB",
            lossless: false);

        var v16 = Make();
        v16.Responses[0].Partitions[0].CurrentLeader = new FetchResponse.LeaderIdAndEpoch { LeaderId = 1, LeaderEpoch = 2 };
        AssertGolden(v16, 16,
            "00000000 0000 00000000" +          // throttle, error, session id
            "02 00112233445566778899AABBCCDDEEFF" +
            "02 00000000 0000 000000000000000A FFFFFFFFFFFFFFFF FFFFFFFFFFFFFFFF" + // index, error, hw, lso, log start
            "01" +                              // aborted transactions: empty compact array
            "FFFFFFFF" +                        // preferred read replica -1 (v11+)
            "02 AB" +                           // compact records
            "01 01 09 00000001 00000002 00" +   // tag 1: current leader 1, epoch 2
            "00 00",                            // topic and response: no tagged fields
            lossless: false);                   // the topic name exists up to v12 only
    }
}
