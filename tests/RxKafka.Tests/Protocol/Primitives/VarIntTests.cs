using FsCheck;
using FsCheck.Fluent;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>Unsigned varints, zig-zag varints and varlongs: known vectors, sizes, round trips and bad input.</summary>
public sealed class VarIntTests
{
    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(16383u, "FF7F")]
    [InlineData(16384u, "808001")]
    [InlineData(2097151u, "FFFF7F")]
    [InlineData(2097152u, "80808001")]
    [InlineData(268435455u, "FFFFFF7F")]
    [InlineData(268435456u, "8080808001")]
    [InlineData(2147483647u, "FFFFFFFF07")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void Unsigned_varint_vectors(uint value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteUnsignedVarInt(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadUnsignedVarInt()));
        Assert.Equal(hex.Length / 2, VarInt.SizeOfUnsigned(value));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-2, "03")]
    [InlineData(2, "04")]
    [InlineData(63, "7E")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(-65, "8101")]
    [InlineData(150, "AC02")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void Zig_zag_varint_vectors(int value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteVarInt(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadVarInt()));
        Assert.Equal(hex.Length / 2, VarInt.SizeOfSigned(value));
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(-2L, "03")]
    [InlineData(64L, "8001")]
    [InlineData(2147483647L, "FEFFFFFF0F")]
    [InlineData(-2147483648L, "FFFFFFFF0F")]
    [InlineData(2147483648L, "8080808010")]
    [InlineData(1_700_000_000_000L, "80A0ABFEF962")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void Zig_zag_varlong_vectors(long value, string hex)
    {
        AssertEncodes(hex, (ref KafkaWriter w) => w.WriteVarLong(value));
        Assert.Equal(value, Read(hex, (ref KafkaReader r) => r.ReadVarLong()));
        Assert.Equal(hex.Length / 2, VarInt.SizeOfSigned64(value));
    }

    [Fact]
    public void Sizes_step_up_at_every_seven_bits()
    {
        for (var k = 1; k <= 4; k++)
        {
            Assert.Equal(k, VarInt.SizeOfUnsigned((1u << (7 * k)) - 1));
            Assert.Equal(k + 1, VarInt.SizeOfUnsigned(1u << (7 * k)));
        }

        Assert.Equal(1, VarInt.SizeOfUnsigned(0));
        Assert.Equal(5, VarInt.SizeOfUnsigned(uint.MaxValue));

        for (var k = 1; k <= 9; k++)
        {
            Assert.Equal(k, VarInt.SizeOfUnsigned64((1UL << (7 * k)) - 1));
            Assert.Equal(k + 1, VarInt.SizeOfUnsigned64(1UL << (7 * k)));
        }

        Assert.Equal(1, VarInt.SizeOfUnsigned64(0));
        Assert.Equal(10, VarInt.SizeOfUnsigned64(ulong.MaxValue));
    }

    [Fact]
    public void Span_helpers_write_what_the_sizes_predict()
    {
        Span<byte> buffer = stackalloc byte[VarInt.MaxLength64];
        Assert.Equal(2, VarInt.WriteSigned(buffer, 64));
        Assert.Equal("8001", ToHex(buffer[..2]));
        Assert.Equal(10, VarInt.WriteSigned64(buffer, long.MinValue));
        Assert.Equal("FFFFFFFFFFFFFFFFFF01", ToHex(buffer));
        Assert.Equal(2, VarInt.TryReadSigned64(Hex("8001"), out var value));
        Assert.Equal(64L, value);
    }

    [Fact]
    public void Any_int_long_and_uint_round_trips_with_FsCheck()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true);
        var ints = ArbMap.Default.ArbFor<DoNotSize<int>>();
        var longs = ArbMap.Default.ArbFor<DoNotSize<long>>();
        var uints = ArbMap.Default.ArbFor<DoNotSize<uint>>();

        Check.One(config, Prop.ForAll(ints, v => RoundTripsInt(v.Item)));
        Check.One(config, Prop.ForAll(longs, v => RoundTripsLong(v.Item)));
        Check.One(config, Prop.ForAll(uints, v => RoundTripsUInt(v.Item)));

        // The sized defaults stay near zero, where the one-byte fast paths are.
        Check.One(config, Prop.ForAll(ArbMap.Default.ArbFor<int>(), RoundTripsInt));
        Check.One(config, Prop.ForAll(ArbMap.Default.ArbFor<long>(), RoundTripsLong));
    }

    [Fact]
    public void Random_values_of_every_magnitude_round_trip()
    {
        var rng = new Random(20240611);
        for (var i = 0; i < 20_000; i++)
        {
            // Pick a bit width first so that small and large values are equally likely.
            var raw = (ulong)rng.NextInt64() << 1 ^ (ulong)rng.Next(2);
            var value = raw >> rng.Next(64);
            if (rng.Next(2) == 0)
            {
                value = ~value; // small negatives too
            }

            Assert.True(RoundTripsLong((long)value), $"varlong {(long)value}");
            Assert.True(RoundTripsInt((int)value), $"varint {(int)value}");
            Assert.True(RoundTripsUInt((uint)value), $"uvarint {(uint)value}");
        }
    }

    [Theory]
    [InlineData("8080808080")]   // five bytes, the fifth still says "more"
    [InlineData("808080808001")] // a sixth byte
    [InlineData("FFFFFFFF1F")]   // the fifth byte carries bits beyond 32
    [InlineData("FFFFFFFF7F")]
    public void A_32_bit_varint_longer_than_five_bytes_is_a_bad_varint(string hex)
    {
        var unsigned = ReadFails(hex, (ref KafkaReader r) => r.ReadUnsignedVarInt());
        Assert.Equal("bad varint: unsigned varint at offset 0 is longer than its maximum length", unsigned.Message);
        var signed = ReadFails(hex, (ref KafkaReader r) => r.ReadVarInt());
        Assert.Equal("bad varint: varint at offset 0 is longer than its maximum length", signed.Message);
    }

    [Theory]
    [InlineData("80808080808080808080")]   // ten bytes, the tenth still says "more"
    [InlineData("8080808080808080808001")] // an eleventh byte
    [InlineData("FFFFFFFFFFFFFFFFFF02")]   // the tenth byte carries bits beyond 64
    public void A_64_bit_varint_longer_than_ten_bytes_is_a_bad_varint(string hex)
    {
        var e = ReadFails(hex, (ref KafkaReader r) => r.ReadVarLong());
        Assert.Equal("bad varint: varlong at offset 0 is longer than its maximum length", e.Message);
    }

    [Fact]
    public void A_varlong_may_use_all_ten_bytes_but_a_varint_only_five()
    {
        Assert.Equal(long.MinValue, Read("FFFFFFFFFFFFFFFFFF01", (ref KafkaReader r) => r.ReadVarLong()));
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var r = new KafkaReader(Hex("FFFFFFFFFFFFFFFFFF01"));
            r.ReadVarInt();
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("FFFF")]
    [InlineData("80808080")]
    public void A_varint_cut_off_by_the_end_of_input_is_truncated(string hex)
    {
        Assert.StartsWith("truncated input: unsigned varint at offset 0", ReadFails(hex, (ref KafkaReader r) => r.ReadUnsignedVarInt()).Message, StringComparison.Ordinal);
        Assert.StartsWith("truncated input: varint at offset 0", ReadFails(hex, (ref KafkaReader r) => r.ReadVarInt()).Message, StringComparison.Ordinal);
        Assert.StartsWith("truncated input: varlong at offset 0", ReadFails(hex, (ref KafkaReader r) => r.ReadVarLong()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_varint_names_the_offset_where_it_starts()
    {
        var e = ReadFails("0102 8080", (ref KafkaReader r) => (r.ReadInt16(), r.ReadVarInt()));
        Assert.Equal("truncated input: varint at offset 2 runs past the end of the buffer", e.Message);
    }

    [Fact]
    public void A_failed_varint_read_does_not_move_the_reader()
    {
        var reader = new KafkaReader(Hex("05 80"));
        Assert.Equal(-3, reader.ReadVarInt());
        try
        {
            reader.ReadVarInt();
            Assert.Fail("expected a KafkaProtocolException");
        }
        catch (KafkaProtocolException)
        {
        }

        Assert.Equal(1, reader.Position);
    }

    private static bool RoundTripsInt(int value)
    {
        Span<byte> buffer = stackalloc byte[VarInt.MaxLength32];
        var writer = new KafkaWriter(buffer);
        writer.WriteVarInt(value);
        var size = (int)writer.BytesWritten;
        var reader = new KafkaReader(buffer[..size].ToArray());
        return size == VarInt.SizeOfSigned(value) && reader.ReadVarInt() == value && reader.End;
    }

    private static bool RoundTripsLong(long value)
    {
        Span<byte> buffer = stackalloc byte[VarInt.MaxLength64];
        var writer = new KafkaWriter(buffer);
        writer.WriteVarLong(value);
        var size = (int)writer.BytesWritten;
        var reader = new KafkaReader(buffer[..size].ToArray());
        return size == VarInt.SizeOfSigned64(value) && reader.ReadVarLong() == value && reader.End;
    }

    private static bool RoundTripsUInt(uint value)
    {
        Span<byte> buffer = stackalloc byte[VarInt.MaxLength32];
        var writer = new KafkaWriter(buffer);
        writer.WriteUnsignedVarInt(value);
        var size = (int)writer.BytesWritten;
        var reader = new KafkaReader(buffer[..size].ToArray());
        return size == VarInt.SizeOfUnsigned(value) && reader.ReadUnsignedVarInt() == value && reader.End;
    }
}
