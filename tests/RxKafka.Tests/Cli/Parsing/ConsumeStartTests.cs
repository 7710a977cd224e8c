using RxKafka.Cli.Parsing;

namespace RxKafka.Tests.Cli.Parsing;

public sealed class ConsumeStartTests
{
    [Theory]
    [InlineData("beginning", "Beginning")]
    [InlineData("earliest", "Beginning")]
    [InlineData("END", "End")]
    [InlineData("latest", "End")]
    public void The_ends_by_name(string text, string kind)
    {
        Assert.True(ConsumeStart.TryParse(text, out var start, out var error), error);
        Assert.Equal(kind, start.Kind.ToString());
    }

    [Fact]
    public void An_offset()
    {
        Assert.True(ConsumeStart.TryParse("42", out var start, out _));
        Assert.Equal(new ConsumeStart(StartKind.Offset, Offset: 42), start);
    }

    [Theory]
    [InlineData("@1700000000000", 1_700_000_000_000)]
    [InlineData("@2023-11-14T22:13:20Z", 1_700_000_000_000)]
    [InlineData("@2023-11-14T22:13:20.5Z", 1_700_000_000_500)]
    [InlineData("@2023-11-14T23:13:20+01:00", 1_700_000_000_000)]
    [InlineData("@2023-11-14T22:13:20", 1_700_000_000_000)]
    public void A_time_as_unix_milliseconds_or_ISO_8601_UTC_unless_it_says_otherwise(string text, long ms)
    {
        Assert.True(ConsumeStart.TryParse(text, out var start, out var error), error);
        Assert.Equal(StartKind.Time, start.Kind);
        Assert.Equal(ms, start.Time.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("-5", "an offset is 0 or more")]
    [InlineData("soon", "is not beginning, end, an offset or @time")]
    [InlineData("", "is not beginning, end, an offset or @time")]
    [InlineData("@", "after '@' give Unix milliseconds")]
    [InlineData("@yesterday", "after '@' give Unix milliseconds")]
    [InlineData("@99999999999999999", "past the year 9999")]
    public void Bad_text_is_one_error_naming_it(string text, string expected)
    {
        Assert.False(ConsumeStart.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }
}
