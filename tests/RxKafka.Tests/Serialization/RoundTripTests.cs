using System.Text;
using FsCheck;
using FsCheck.Fluent;
using RxKafka.Serialization;
using static RxKafka.Tests.Serialization.Serde;

namespace RxKafka.Tests.Serialization;

/// <summary>Every built-in reads back what it wrote, for any value (FsCheck), nulls included where the type has them.</summary>
public sealed class RoundTripTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true);

    /// <summary>Strings of any code points, from ASCII to the supplementary planes, never a lone surrogate.</summary>
    private static readonly Gen<string> WellFormedStrings =
        Gen.Frequency(
                (3, Gen.Choose(0, 0x7F)),
                (2, Gen.Choose(0x80, 0xFFFF).Where(c => c is < 0xD800 or > 0xDFFF)),
                (1, Gen.Choose(0x10000, 0x10FFFF)))
            .ArrayOf()
            .Select(codePoints => string.Concat(codePoints.Select(char.ConvertFromUtf32)));

    [Fact]
    public void Integers_round_trip()
    {
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<DoNotSize<short>>(), v => RoundTrip(Serializers.Int16, Deserializers.Int16, v.Item) == v.Item));
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<DoNotSize<int>>(), v => RoundTrip(Serializers.Int32, Deserializers.Int32, v.Item) == v.Item));
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<DoNotSize<long>>(), v => RoundTrip(Serializers.Int64, Deserializers.Int64, v.Item) == v.Item));
    }

    [Fact]
    public void Singles_round_trip_bit_for_bit_NaN_payloads_included()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<DoNotSize<int>>(), bits =>
        {
            var value = BitConverter.Int32BitsToSingle(bits.Item);
            return BitConverter.SingleToInt32Bits(RoundTrip(Serializers.Single, Deserializers.Single, value)) == bits.Item;
        }));

    [Fact]
    public void Doubles_round_trip_bit_for_bit_except_that_every_NaN_becomes_the_canonical_one()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<DoNotSize<long>>(), bits =>
        {
            var value = BitConverter.Int64BitsToDouble(bits.Item);
            var read = BitConverter.DoubleToInt64Bits(RoundTrip(Serializers.Double, Deserializers.Double, value));
            return read == (double.IsNaN(value) ? 0x7FF8_0000_0000_0000 : bits.Item);
        }));

    [Fact]
    public void Guids_round_trip()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<Guid>(), g => RoundTrip(Serializers.Guid, Deserializers.Guid, g) == g));

    [Fact]
    public void Byte_arrays_round_trip_null_included()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<byte[]?>(), bytes =>
        {
            var read = RoundTrip(Serializers.ByteArray, Deserializers.ByteArray, bytes);
            return bytes is null ? read is null : read is not null && read.AsSpan().SequenceEqual(bytes);
        }));

    [Fact]
    public void Memory_round_trips()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var memory = new ReadOnlyMemory<byte>(bytes ?? []);
            return RoundTrip(Serializers.ReadOnlyMemory, Deserializers.ReadOnlyMemory, memory).Span.SequenceEqual(memory.Span);
        }));

    [Fact]
    public void Nullable_numbers_round_trip_null_included()
    {
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<int?>(), v => RoundTrip(Serializers.Nullable(Serializers.Int32), Deserializers.Nullable(Deserializers.Int32), v) == v));
        Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<long?>(), v => RoundTrip(Serializers.Nullable(Serializers.Int64), Deserializers.Nullable(Deserializers.Int64), v) == v));
    }

    [Fact]
    public void Well_formed_strings_round_trip_and_are_standard_utf8()
        => Check.One(Config, Prop.ForAll(WellFormedStrings.ToArbitrary(), s =>
        {
            var bytes = Write(Serializers.Utf8, s)!;
            Assert.Equal(new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(s), bytes);
            Assert.Equal(s, Read(Deserializers.Utf8, bytes));
        }));

    [Fact]
    public void Any_string_encodes_as_if_each_lone_surrogate_were_a_question_mark()
        => Check.One(Config, Prop.ForAll(ArbMap.Default.ArbFor<string?>(), s =>
        {
            var bytes = Write(Serializers.Utf8, s);
            Assert.Equal(s is null ? null : Encoding.UTF8.GetBytes(JavaStyleReplacement(s)), bytes);
        }));

    [Fact]
    public void Strings_encode_the_same_into_a_buffer_that_offers_little_room()
        => Check.One(Config, Prop.ForAll(WellFormedStrings.ToArbitrary(), s =>
        {
            var chunked = Write(Serializers.Utf8, s, new SmallChunkBufferWriter(), Context());
            Assert.Equal(Write(Serializers.Utf8, s), chunked);
        }));

    [Fact]
    public void Json_round_trips_with_reflection_and_with_a_source_generated_context()
    {
        var orders =
            from id in WellFormedStrings
            from quantity in ArbMap.Default.GeneratorFor<int>()
            from placedAt in ArbMap.Default.GeneratorFor<long>()
            from note in Gen.OneOf(Gen.Constant<string?>(null), WellFormedStrings.Select(s => (string?)s))
            select new Order(id, quantity, placedAt, note);

        Check.One(Config, Prop.ForAll(orders.ToArbitrary(), order =>
        {
            Assert.Equal(order, RoundTrip(Serializers.Json<Order>(), Deserializers.Json<Order>(), order));
            Assert.Equal(order, RoundTrip(Serializers.Json(OrderJsonContext.Default.Order), Deserializers.Json(OrderJsonContext.Default.Order), order));
        }));
    }

    // What Java's String.getBytes(UTF_8) does with UTF-16 that is not well formed.
    private static string JavaStyleReplacement(string s)
    {
        var text = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                text.Append(s, i++, 2);
            }
            else
            {
                text.Append(char.IsSurrogate(s[i]) ? '?' : s[i]);
            }
        }

        return text.ToString();
    }
}
