using System.IO.Hashing;
using BenchmarkDotNet.Attributes;
using RxKafka.Protocol.Records;

namespace RxKafka.Benchmarks;

/// <summary>
/// CRC-32C over 1 MiB (target: at least 8 GB/s), ours beside System.IO.Hashing's (11.0 has CRC-32C;
/// the 8.0 package a .NET 8 build uses has not, so ours stays), and CRC-32 (IEEE, legacy messages)
/// from System.IO.Hashing beside the slicing-by-8 it replaced.
/// </summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    [Params(1 << 20)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(42).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public uint Crc32C_Interleaved() => Crc32C.Compute(_data);

    [Benchmark]
    public uint Crc32C_SingleStream()
    {
        // The plain 8-bytes-per-instruction loop, to show what the interleaving buys.
        var crc = 0xFFFFFFFFu;
        var span = _data.AsSpan();
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(span);
        foreach (var w in words)
        {
            crc = System.Numerics.BitOperations.Crc32C(crc, w);
        }

        return ~crc;
    }

    [Benchmark]
    public uint Crc32C_SystemIOHashing() => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, _data);

    [Benchmark]
    public uint Crc32_Ieee_SlicingBy8_old() => OldCodecs.OldCrc32.Compute(_data);

    [Benchmark]
    public uint Crc32_Ieee_SystemIOHashing() => Crc32.HashToUInt32(_data);
}
