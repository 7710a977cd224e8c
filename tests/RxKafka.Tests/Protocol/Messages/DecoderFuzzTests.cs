using RxKafka.MessageGen;
using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>
/// Random and mutated bytes into every decoder at every version: each input either decodes or
/// throws <see cref="KafkaProtocolException"/>; nothing else, no hang, and no allocation sized by
/// a length the input cannot back.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int RandomInputs = 60;
    private const int MutatedInputs = 60;

    public static TheoryData<string> AllMessages() => new(Definitions.All.Select(d => d.ClassName).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(AllMessages))]
    public void Random_and_mutated_bytes_decode_or_throw_KafkaProtocolException(string className)
    {
        var def = Definitions.ByClassName(className);
        var type = Definitions.ClrType(def);
        var decoded = 0;
        var rejected = 0;
        foreach (var version in Definitions.Versions(def))
        {
            var rng = new Random(HashCode.Combine(className.GetHashCode(StringComparison.Ordinal), version));
            for (var i = 0; i < RandomInputs + MutatedInputs; i++)
            {
                byte[] input;
                if (i < RandomInputs)
                {
                    input = new byte[rng.Next(0, 96)];
                    rng.NextBytes(input);
                }
                else
                {
                    input = Mutate(rng, new RandomMessages(rng, def, version).Create().ToArray(version));
                }

                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var message = (KafkaMessage)Activator.CreateInstance(type)!;
                    var reader = new KafkaReader(input);
                    message.Read(ref reader, version);
                    decoded++;
                }
                catch (KafkaProtocolException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{className} v{version}: {e.GetType().Name}: {e.Message}\ninput {Convert.ToHexString(input)}");
                }

                // Strings and small lists may be allocated, but never more than a small multiple of the input.
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < 64 * 1024 + (input.Length * 64), $"{className} v{version}: {allocated} bytes allocated for a {input.Length}-byte input");
            }
        }

        Assert.True(decoded + rejected > 0);
    }

    private static byte[] Mutate(Random rng, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        switch (rng.Next(5))
        {
            case 0 when bytes.Length > 0:
                return bytes[..rng.Next(bytes.Length)]; // truncated
            case 1 when bytes.Length > 0:
                for (var n = rng.Next(1, 4); n > 0; n--)
                {
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); // bit flips
                }

                return bytes;
            case 2 when bytes.Length >= 4:
                {
                    // a length or count field claiming a huge or negative size
                    var at = rng.Next(bytes.Length - 3);
                    var claim = rng.Next(3) switch { 0 => int.MaxValue, 1 => -2, _ => rng.Next() };
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), claim);
                    return bytes;
                }

            case 3 when bytes.Length > 0:
                bytes[rng.Next(bytes.Length)] = 0xFF; // a varint that never ends, or -1 lengths
                return bytes;
            default:
                var extra = new byte[rng.Next(1, 8)];
                rng.NextBytes(extra);
                return [.. bytes, .. extra]; // trailing garbage: must still not crash
        }
    }

    [Fact]
    public void An_array_claiming_two_billion_elements_fails_before_allocating()
    {
        // MetadataResponse v0: brokers array count 0x7FFFFFFF, then 8 bytes.
        var input = Convert.FromHexString("7FFFFFFF" + "0000000100026231");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(input);
            new MetadataResponse().Read(ref reader, 0);
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("bad array length", e.Message);
        Assert.Contains("2147483647", e.Message);
        Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_compact_array_claiming_two_billion_elements_fails_before_allocating()
    {
        // MetadataResponse v12: throttle, then brokers as compact array with uvarint 0x80000000 (= 2^31 - 1 elements + 1).
        var input = Convert.FromHexString("00000000" + "8080808008" + "00");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(input);
            new MetadataResponse().Read(ref reader, 12);
        });
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
        Assert.Contains("length", e.Message);
    }

    [Fact]
    public void Truncated_input_names_the_problem()
    {
        var full = new ApiVersionsResponse { ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 1, MaxVersion = 3 }] }.ToArray(0);
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(full[..^1]);
            new ApiVersionsResponse().Read(ref reader, 0);
        });
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_negative_string_length_names_the_problem()
    {
        // MetadataResponse v0: one broker, node id 1, host length -5.
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString("00000001" + "00000001" + "FFFB" + "00000000"));
            new MetadataResponse().Read(ref reader, 0);
        });
        Assert.Contains("negative length", e.Message);
    }

    [Fact]
    public void A_varint_that_never_ends_names_the_problem()
    {
        // ApiVersionsResponse v3: error code, then a compact array length of six continuation bytes.
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString("0000" + "FFFFFFFFFFFF01"));
            new ApiVersionsResponse().Read(ref reader, 3);
        });
        Assert.Contains("varint", e.Message);
    }
}
