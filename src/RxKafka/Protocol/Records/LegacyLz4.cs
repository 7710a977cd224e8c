using System.Buffers.Binary;

namespace RxKafka.Protocol.Records;

/// <summary>
/// Kafka before 0.10 (message format magic 0) wrote LZ4 frames whose header checksum was
/// computed over the magic number as well as the frame descriptor (KAFKA-3160). Writing magic 0
/// LZ4 reproduces that mistake, since old brokers check it; reading goes through the codec's
/// leniency option, which recomputes the checksum, so both variants decode.
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

    internal static uint XxHash32(ReadOnlySpan<byte> data) => Compression.XxHash32.Hash(data);
}
