using System.Buffers.Binary;
using System.Numerics;

namespace RxKafka.Protocol.Records;

/// <summary>
/// Kafka before 0.10 (message format magic 0) wrote LZ4 frames whose header checksum was
/// computed over the magic number as well as the frame descriptor (KAFKA-3160). Writing magic 0
/// LZ4 reproduces that mistake, since old brokers check it; reading recomputes the correct
/// checksum, so both variants decode.
/// </summary>
internal static class LegacyLz4
{
    private const uint FrameMagic = 0x184D2204;
    private const int MagicSize = 4;

    /// <summary>Whether <paramref name="frame"/> starts with an LZ4 frame header; gives the header checksum's position.</summary>
    public static bool TryFindHeaderChecksum(ReadOnlySpan<byte> frame, out int position)
    {
        position = 0;
        if (frame.Length < MagicSize + 3 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameMagic)
        {
            return false;
        }

        var flg = frame[MagicSize];
        position = MagicSize + 2 + ((flg & 0x08) != 0 ? 8 : 0) + ((flg & 0x01) != 0 ? 4 : 0);
        return position < frame.Length;
    }

    /// <summary>Replaces the header checksum with the broken one old Kafka expects.</summary>
    public static void BreakHeaderChecksum(Span<byte> frame)
    {
        if (TryFindHeaderChecksum(frame, out var position))
        {
            frame[position] = (byte)(XxHash32(frame[..position]) >> 8);
        }
    }

    /// <summary>Replaces the header checksum with the correct one (xxhash32 of the descriptor).</summary>
    public static void FixHeaderChecksum(Span<byte> frame)
    {
        if (TryFindHeaderChecksum(frame, out var position))
        {
            frame[position] = (byte)(XxHash32(frame[MagicSize..position]) >> 8);
        }
    }

    /// <summary>xxHash32 with seed 0; frame headers are a few bytes, so only the short-input path matters for speed.</summary>
    internal static uint XxHash32(ReadOnlySpan<byte> data, uint seed = 0)
    {
        const uint P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u, P4 = 668265263u, P5 = 374761393u;
        var i = 0;
        uint h;
        if (data.Length >= 16)
        {
            uint v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
            for (; i <= data.Length - 16; i += 16)
            {
                v1 = BitOperations.RotateLeft(v1 + (BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) * P2), 13) * P1;
                v2 = BitOperations.RotateLeft(v2 + (BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]) * P2), 13) * P1;
                v3 = BitOperations.RotateLeft(v3 + (BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 8)..]) * P2), 13) * P1;
                v4 = BitOperations.RotateLeft(v4 + (BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 12)..]) * P2), 13) * P1;
            }

            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
        }
        else
        {
            h = seed + P5;
        }

        h += (uint)data.Length;
        for (; i <= data.Length - 4; i += 4)
        {
            h = BitOperations.RotateLeft(h + (BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) * P3), 17) * P4;
        }

        for (; i < data.Length; i++)
        {
            h = BitOperations.RotateLeft(h + (data[i] * P5), 11) * P1;
        }

        h ^= h >> 15;
        h *= P2;
        h ^= h >> 13;
        h *= P3;
        h ^= h >> 16;
        return h;
    }
}
