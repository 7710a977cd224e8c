using System.Buffers.Binary;
using RxKafka.Protocol;
using RxKafka.Protocol.Records;
using Record = RxKafka.Protocol.Records.Record;
using Xunit;
using static RxKafka.Tests.Protocol.Records.RecordBatchTestKit;

namespace RxKafka.Tests.Protocol.Records;

/// <summary>
/// Thousands of random and mutated inputs: the reader may only end cleanly or throw
/// <see cref="KafkaProtocolException"/>; it must not hang or allocate much more than its input.
/// </summary>
public sealed class RecordBatchFuzzTests
{
    private const int MaxDecompressed = 1 << 20;
    private const long AllocationBound = 8L << 20;

    private static readonly int[] Interesting = [0, 1, -1, -2, 13, 14, 48, 49, 61, 127, 128, 255, 0x7FFF, 0xFFFF, int.MaxValue, int.MinValue, 0x7FFFFFF0, 1 << 30];

    [Fact(Timeout = 300_000)]
    public async Task Mutated_batches_only_ever_throw_KafkaProtocolException()
    {
        var corpus = Corpus();
        await Task.Run(() =>
        {
            var random = new Random(20240611);
            int rejected = 0, records = 0;
            for (var i = 0; i < 6000; i++)
            {
                var seed = corpus[random.Next(corpus.Count)];
                var input = Mutate(seed, random);
                var (threw, read) = Check(input, checkCrcs: random.Next(3) == 0, $"mutation {i}");
                rejected += threw ? 1 : 0;
                records += read;
            }

            // Not vacuous: many mutations are caught, and many still reach the records.
            Assert.InRange(rejected, 1500, 5500);
            Assert.True(records > 2000, $"only {records} records were reached");
        }, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 300_000)]
    public async Task Random_bytes_only_ever_throw_KafkaProtocolException()
    {
        await Task.Run(() =>
        {
            var random = new Random(7);
            for (var i = 0; i < 3000; i++)
            {
                var input = new byte[random.Next(0, 400)];
                random.NextBytes(input);
                if (input.Length >= 17 && random.Next(2) == 0)
                {
                    // Make the framing plausible so the bytes get past the first checks.
                    BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(8), input.Length - 12 - random.Next(0, 3));
                    input[16] = (byte)random.Next(0, 3);
                    if (input[16] == 2 && input.Length >= 61)
                    {
                        input[22] &= 0x07;
                        input[22] = (byte)(input[22] % 5);
                        FixCrc(input);
                    }
                }

                _ = Check(input, checkCrcs: random.Next(2) == 0, $"random {i}");
            }
        }, TestContext.Current.CancellationToken);
    }

    private static (bool Threw, int Records) Check(byte[] input, bool checkCrcs, string what)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var threw = false;
        var records = 0;
        try
        {
            using var reader = new RecordBatchReader(input, checkCrcs, MaxDecompressed);
            foreach (var batch in reader)
            {
                foreach (var record in batch)
                {
                    _ = record.Key.Length + record.Value.Length + record.Offset + record.Timestamp;
                    foreach (var header in record.Headers)
                    {
                        _ = header.Key.Length + header.Value.Length;
                    }

                    ControlRecord.TryParse(record, out _);
                    records++;
                }
            }
        }
        catch (KafkaProtocolException)
        {
            threw = true; // the only acceptable failure
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped the reader: {e.Message}\ninput: {Convert.ToHexString(input)}\n{e}");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound + (4L * input.Length), $"{what}: {allocated} bytes allocated for a {input.Length}-byte input\ninput: {Convert.ToHexString(input)}");
        return (threw, records);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var fixCrc = random.Next(2) == 0;
        switch (random.Next(7))
        {
            case 0: // bit flips
                for (var n = random.Next(1, 9); n > 0; n--)
                {
                    var i = random.Next(bytes.Length);
                    bytes[i] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1: // truncation
                bytes = bytes[..random.Next(bytes.Length)];
                fixCrc = false;
                break;
            case 2: // an interesting int anywhere
            {
                var i = random.Next(Math.Max(1, bytes.Length - 4));
                if (bytes.Length >= 4)
                {
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i), Interesting[random.Next(Interesting.Length)]);
                }

                break;
            }

            case 3: // the length fields of the first batch: batch length, record count, first record length
            {
                var field = new[] { 8, 57, 57, 61 }[random.Next(4)];
                if (field == 61 && bytes.Length > 61)
                {
                    bytes[61] = (byte)random.Next(256);
                }
                else if (bytes.Length >= field + 4)
                {
                    BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(field), Interesting[random.Next(Interesting.Length)]);
                }

                break;
            }

            case 4: // varint bytes with the continuation bit set, past the header
                if (bytes.Length > 62)
                {
                    var start = random.Next(61, bytes.Length);
                    for (var i = start; i < Math.Min(bytes.Length, start + random.Next(1, 12)); i++)
                    {
                        bytes[i] |= 0x80;
                    }
                }

                break;
            case 5: // delete a range
            {
                var start = random.Next(bytes.Length);
                var count = random.Next(1, Math.Min(16, bytes.Length - start) + 1);
                bytes = Concat(bytes[..start], bytes[(start + count)..]);
                break;
            }

            default: // insert random bytes
            {
                var insert = new byte[random.Next(1, 16)];
                random.NextBytes(insert);
                var at = random.Next(bytes.Length);
                bytes = Concat(bytes[..at], insert, bytes[at..]);
                break;
            }
        }

        if (fixCrc && bytes.Length >= 61 && bytes[16] == 2)
        {
            FixCrc(bytes);
        }

        return bytes;
    }

    private static void FixCrc(byte[] bytes)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        if (length >= 49 && length <= bytes.Length - 12)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(17), Crc32C.Compute(bytes.AsSpan(21, length + 12 - 21)));
        }
    }

    private static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        foreach (var codec in AllCodecs)
        {
            using var builder = new RecordBatchBuilder();
            builder.BaseOffset = 10;
            builder.ProducerId = 3;
            for (var i = 0; i < 4; i++)
            {
                builder.Append(1000 + i, i == 1 ? null : Utf8($"key{i}"), i == 2 ? null : Utf8($"value {i} value {i}"), [new RecordHeader("h", Utf8("v")), new RecordHeader("n", (byte[]?)null)]);
            }

            corpus.Add(builder.Build(codec).ToArray());
        }

        foreach (byte magic in new byte[] { 0, 1 })
        {
            foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4 })
            {
                using var builder = new LegacyMessageSetBuilder(magic);
                for (var i = 0; i < 3; i++)
                {
                    builder.Append(1000 + i, Utf8($"k{i}"), Utf8($"legacy value {i}"));
                }

                corpus.Add(builder.Build(codec).ToArray());
            }
        }

        using (var control = new RecordBatchBuilder())
        {
            control.IsControl = true;
            control.AppendControlRecord(1, ControlRecordType.Commit, 4);
            corpus.Add(control.Build().ToArray());
        }

        corpus.Add(Concat(corpus[0], corpus[6], corpus[1]));
        return corpus;
    }
}
