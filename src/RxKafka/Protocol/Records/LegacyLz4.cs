using System.Buffers.Binary;
using RxKafka.Protocol.Compression;

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
        return frame.Length >= MagicSize && BinaryPrimitives.ReadUInt32LittleEndian(frame) == FrameMagic
            && Lz4Codec.TryGetHeaderChecksumPosition(frame, out position);
    }

    /// <summary>Replaces the header checksum with the broken one old Kafka expects (hashed over the magic too).</summary>
    public static void BreakHeaderChecksum(Span<byte> frame)
    {
        if (TryFindHeaderChecksum(frame, out var position))
        {
            frame[position] = Lz4Codec.HeaderChecksum(frame[..position]);
        }
    }

    /// <summary>Replaces the header checksum with the correct one (over the frame descriptor only).</summary>
    public static void FixHeaderChecksum(Span<byte> frame)
    {
        if (TryFindHeaderChecksum(frame, out var position))
        {
            frame[position] = Lz4Codec.HeaderChecksum(frame[MagicSize..position]);
        }
    }
}
