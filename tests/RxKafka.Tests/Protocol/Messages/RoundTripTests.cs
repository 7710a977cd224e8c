using RxKafka.MessageGen;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>Every message type at every version: encode → decode → equal, and encode again → the same bytes.</summary>
public sealed class RoundTripTests
{
    private const int SamplesPerVersion = 6;

    public static TheoryData<string> AllMessages() => new(Definitions.All.Select(d => d.ClassName).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(AllMessages))]
    public void Every_version_round_trips(string className)
    {
        var def = Definitions.ByClassName(className);
        var checkedVersions = 0;
        foreach (var version in Definitions.Versions(def))
        {
            for (var sample = 0; sample < SamplesPerVersion; sample++)
            {
                var rng = new Random(HashCode.Combine(className.GetHashCode(StringComparison.Ordinal), version, sample));
                var original = new RandomMessages(rng, def, version).Create();
                var bytes = original.ToArray(version);
                Assert.Equal(bytes.Length, original.ComputeSize(version));
                KafkaMessage decoded;
                try
                {
                    decoded = RandomMessages.Decode(def, bytes, version);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"{className} v{version} sample {sample}: decoding our own bytes failed: {e.Message}\n{RandomMessages.Describe(bytes)}");
                }

                var difference = RandomMessages.Difference(original, decoded);
                Assert.True(difference is null, $"{className} v{version} sample {sample}: {difference}");
                Assert.True(bytes.AsSpan().SequenceEqual(decoded.ToArray(version)), $"{className} v{version} sample {sample}: re-encoding gave different bytes");
            }

            checkedVersions++;
        }

        Assert.Equal(def.ValidVersions.High - def.ValidVersions.Low + 1, checkedVersions);
    }

    [Fact]
    public void Unknown_tagged_fields_are_kept_and_written_back_in_tag_order_between_known_ones()
    {
        // ApiVersionsResponse v3 knows tags 0-3; tags 4 and 7 are unknown to it.
        var response = new ApiVersionsResponse
        {
            FinalizedFeaturesEpoch = 9,
            UnknownTaggedFields = [new TaggedField(4, [0xAA]), new TaggedField(7, [0xBB, 0xCC])],
        };
        var bytes = response.ToArray(3);
        var tail = bytes[^14..];
        // count 3; tag 1 size 8 epoch 9; tag 4 size 1 AA; tag 7 size 2 BB CC
        Assert.Equal(Convert.FromHexString("03" + "0108" + "0000000000000009" + "0401AA" + "0702BBCC")[^14..], tail);

        var reader = new KafkaReader(bytes);
        var decoded = new ApiVersionsResponse();
        decoded.Read(ref reader, 3);
        Assert.Equal(9, decoded.FinalizedFeaturesEpoch);
        Assert.Equal([4, 7], decoded.UnknownTaggedFields!.Select(t => t.Tag));
        Assert.Equal(bytes, decoded.ToArray(3));
    }

    [Fact]
    public void A_known_tagged_field_with_trailing_bytes_inside_its_size_is_rejected()
    {
        // ApiVersionsResponse v3 with tag 1 (int64) claiming 9 bytes.
        var bytes = Convert.FromHexString("0000" + "01" + "00000000" + "01" + "0109" + "000000000000000900");
        var e = Assert.Throws<KafkaProtocolException>(() => RandomMessages.Decode(Definitions.ByClassName("ApiVersionsResponse"), bytes, 3));
        Assert.Contains("ApiVersionsResponse.FinalizedFeaturesEpoch", e.Message);
    }
}
