using System.Diagnostics;
using System.Security.Cryptography;
using RxKafka.Protocol;
using Xunit;

namespace RxKafka.Tests.Protocol.Compression;

/// <summary>
/// Live interop with kafka-python's codecs (Debian's python3-kafka and its codec modules, which
/// belong to /usr/bin/python3): what we compress, kafka.codec decodes, and the other way round.
/// Skipped, saying why, where that interpreter or its modules are missing.
/// </summary>
public sealed class PythonInteropTests
{
    private const string Python = "/usr/bin/python3";

    public static TheoryData<CompressionType> Compressing() => new(Payloads.CompressingCodecs);

    private static string CodecFunction(CompressionType codec) => codec switch
    {
        CompressionType.Gzip => "gzip",
        CompressionType.Snappy => "snappy",
        CompressionType.Lz4 => "lz4",
        _ => "zstd",
    };

    private static (int ExitCode, string Output, string Error) RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result.Trim(), error.Result.Trim());
    }

    private static void SkipUnlessKafkaCodecs(CompressionType codec)
    {
        if (!File.Exists(Python))
        {
            Assert.Skip($"{Python} is not installed (Debian's interpreter with python3-kafka is needed for this interop test)");
        }

        var probe = RunPython($"import kafka.codec as c, sys; sys.exit(0 if c.has_{CodecFunction(codec)}() else 3)");
        if (probe.ExitCode != 0)
        {
            Assert.Skip($"kafka.codec with {CodecFunction(codec)} support is not importable by {Python} "
                + $"(apt-get install python3-kafka python3-snappy python3-lz4 python3-zstandard): {probe.Error}");
        }
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void Kafka_python_decodes_what_we_compress(CompressionType codec)
    {
        SkipUnlessKafkaCodecs(codec);
        byte[] original = Payloads.JsonRecords(300_000, seed: 31);
        string path = Path.Combine(Path.GetTempPath(), $"rxkafka-{codec}-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, Payloads.Compress(codec, original));
        try
        {
            var result = RunPython(
                $"import kafka.codec as c, hashlib, sys; d = c.{CodecFunction(codec)}_decode(open(sys.argv[1], 'rb').read()); print(len(d), hashlib.sha256(d).hexdigest())",
                path);

            Assert.True(result.ExitCode == 0, $"kafka.codec.{CodecFunction(codec)}_decode failed: {result.Error}");
            Assert.Equal($"{original.Length} {Convert.ToHexStringLower(SHA256.HashData(original))}", result.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Compressing))]
    public void We_decode_what_kafka_python_compresses(CompressionType codec)
    {
        SkipUnlessKafkaCodecs(codec);
        byte[] original = Payloads.JsonRecords(300_000, seed: 32);
        string input = Path.Combine(Path.GetTempPath(), $"rxkafka-{codec}-{Guid.NewGuid():N}.in");
        string output = input + ".out";
        File.WriteAllBytes(input, original);
        try
        {
            var result = RunPython(
                $"import kafka.codec as c, sys; open(sys.argv[2], 'wb').write(c.{CodecFunction(codec)}_encode(open(sys.argv[1], 'rb').read()))",
                input,
                output);

            Assert.True(result.ExitCode == 0, $"kafka.codec.{CodecFunction(codec)}_encode failed: {result.Error}");
            byte[] decoded = Payloads.Decompress(codec, File.ReadAllBytes(output));
            Assert.True(original.AsSpan().SequenceEqual(decoded), $"{codec} from kafka-python decoded to different bytes");
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}
