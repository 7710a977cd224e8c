using RxKafka.Cli.Parsing;

namespace RxKafka.Tests.Cli.Parsing;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("1m", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData(" 20s ", 20_000)]
    public void Parses_numbers_with_units(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("20", "no unit")]
    [InlineData("20x", "unknown unit 'x'")]
    [InlineData("s", "not a duration")]
    [InlineData("-1s", "not a duration")]
    [InlineData("1.2.3s", "not a duration")]
    [InlineData("0s", "not a positive duration")]
    [InlineData("20 s", "no unit")]
    public void Refuses_anything_else_saying_why(string text, string reason)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(20_000, "20s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "1m30s")]
    public void Formats_as_the_command_line_spells_it(double milliseconds, string expected)
    {
        var text = Durations.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(Durations.TryParse(text, out var back, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
