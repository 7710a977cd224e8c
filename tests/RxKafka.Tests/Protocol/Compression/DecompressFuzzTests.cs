using System.Buffers;
using RxKafka.Protocol;
using RxKafka.Protocol.Compression;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>
/// Mutated and random inputs into every decompressor: the only exception allowed is
/// <see cref="KafkaProtocolException"/> (naming the codec), and output never exceeds the limit.
/// </summary>
public sealed class DecompressFuzzTests
{
    private const int Cases = 5000;
    private const int Limit = 256 * 1024;

    public static TheoryData<CompressionType> Compressing() => new(Payloads.CompressingCodecs);

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Mutated_input_only_ever_throws_KafkaProtocolException(CompressionType codec)
    {
        var random = new Random(1000 + (int)codec);
        byte[][] seeds =
        [
            Payloads.Compress(codec, Payloads.JsonRecords(6_000, seed: 1)),
            Payloads.Compress(codec, Payloads.Random(3_000, seed: 2)),
            Payloads.Compress(codec, Payloads.Repetitive(40_000)),
            Payloads.Compress(codec, [7]),
            .. codec == CompressionType.Snappy ? [Snappier.Snappy.CompressToArray(Payloads.JsonRecords(5_000, seed: 3))] : Array.Empty<byte[]>(),
        ];

        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < Cases; i++)
        {
            byte[] input = Mutate(seeds[random.Next(seeds.Length)], random);
            var writer = new ArrayBufferWriter<byte>();
            try
            {
                KafkaCompression.Decompress(codec, input, writer, Limit);
                decoded++;
            }
            catch (KafkaProtocolException e)
            {
                Assert.Contains(Payloads.CodecName(codec), e.Message);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{codec} case {i} threw {e.GetType().Name}: {e.Message}\ninput: {Convert.ToHexString(input)}");
            }

            Assert.True(writer.WrittenCount <= Limit, $"{codec} case {i} wrote {writer.WrittenCount} bytes past the limit");
        }

        // Both outcomes happen, so the mutations reach past the first checks.
        Assert.True(rejected > Cases / 10, $"{codec}: only {rejected} of {Cases} mutations were rejected");
        Assert.True(decoded + rejected == Cases);
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Random_bytes_behind_a_valid_magic_only_ever_throw_KafkaProtocolException(CompressionType codec)
    {
        var random = new Random(2000 + (int)codec);
        byte[] prefix = Payloads.Compress(codec, Payloads.Get("text"))[..(codec == CompressionType.Snappy ? 16 : 4)];
        for (int i = 0; i < Cases; i++)
        {
            byte[] input = [.. prefix, .. Payloads.Random(random.Next(0, 300), seed: random.Next())];
            try
            {
                KafkaCompression.Decompress(codec, input, new ArrayBufferWriter<byte>(), Limit);
            }
            catch (KafkaProtocolException e)
            {
                Assert.Contains(Payloads.CodecName(codec), e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"{codec} case {i} threw {e.GetType().Name}: {e.Message}\ninput: {Convert.ToHexString(input)}");
            }
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4:
                    bytes.RemoveAt(at);
                    break;
                case 5:
                    // Duplicate a region (exercises long back-references and repeated blocks).
                    int length = Math.Min(random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    // Extreme values where lengths and offsets tend to live.
                    bytes[at] = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => 0x7F };
                    break;
            }
        }

        return [.. bytes];
    }
}
