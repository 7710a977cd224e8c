using System.Text;
using RxKafka.Cli.Parsing;
using RxKafka.Serialization;

namespace RxKafka.Tests.Cli.Parsing;

public sealed class ProduceLinesTests
{
    [Theory]
    [InlineData("user-1\tlogged in", "user-1", "logged in")]
    [InlineData("k\tv\twith\ttabs", "k", "v\twith\ttabs")]
    [InlineData("\tvalue", "", "value")]
    [InlineData("key\t", "key", "")]
    [InlineData("\t", "", "")]
    public void A_line_splits_at_the_first_separator(string line, string key, string value)
    {
        Assert.Equal(new ProduceLine(key, value), ProduceLines.Parse(line, "\t"));
    }

    [Theory]
    [InlineData("no separator here")]
    [InlineData("a:b")]
    [InlineData(" ")]
    public void A_line_without_the_separator_is_all_value_with_a_null_key(string line)
    {
        Assert.Equal(new ProduceLine(null, line), ProduceLines.Parse(line, "\t"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_separator_every_line_is_all_value(string? separator)
    {
        Assert.Equal(new ProduceLine(null, "a\tb"), ProduceLines.Parse("a\tb", separator));
    }

    [Fact]
    public void A_separator_of_several_characters_splits_at_its_first_whole_occurrence()
    {
        Assert.Equal(new ProduceLine("a:b", "c::d"), ProduceLines.Parse("a:b::c::d", "::"));
    }

    [Theory]
    [InlineData("\t")]
    [InlineData(null)]
    public void An_empty_line_is_no_record(string? separator)
    {
        Assert.Null(ProduceLines.Parse("", separator));
    }

    [Theory]
    [InlineData("\\t", "\t")]
    [InlineData("\t", "\t")]
    [InlineData(":", ":")]
    [InlineData("\\\\", "\\")]
    [InlineData("a\\tb", "a\tb")]
    [InlineData("\\n", "\\n")]
    [InlineData("\\", "\\")]
    public void A_separator_takes_backslash_t_for_a_tab_and_anything_else_as_is(string text, string expected)
    {
        Assert.True(ProduceLines.TryParseSeparator(text, out var separator, out var error), error);
        Assert.Equal(expected, separator);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(null, "is empty")]
    [InlineData("a\nb", "line break")]
    public void A_separator_that_cannot_split_a_line_is_refused(string? text, string reason)
    {
        Assert.False(ProduceLines.TryParseSeparator(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source=cli", "source", "cli")]
    [InlineData("note=", "note", "")]
    [InlineData("expr=a=b", "expr", "a=b")]
    [InlineData(" padded = kept ", " padded ", " kept ")]
    [InlineData("city=Zürich", "city", "Zürich")]
    public void A_header_splits_at_the_first_equals_sign_and_its_value_is_UTF8(string text, string key, string value)
    {
        Assert.True(ProduceLines.TryParseHeader(text, out var header, out var error), error);
        Assert.Equal(key, header.Key);
        Assert.Equal(Encoding.UTF8.GetBytes(value), header.Value);
        Assert.False(header.IsValueNull);
    }

    [Theory]
    [InlineData("nokey", "is not key=value")]
    [InlineData("", "is not key=value")]
    [InlineData(null, "is not key=value")]
    [InlineData("=value", "has no key")]
    public void A_header_without_a_key_or_an_equals_sign_is_refused(string? text, string reason)
    {
        Assert.False(ProduceLines.TryParseHeader(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.StartsWith("--header ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_record_gets_its_own_headers_in_the_order_given()
    {
        Header[] given = [new("a", [1]), new("b", []), new("a", [2])];

        var first = ProduceLines.ToHeaders(given);
        var second = ProduceLines.ToHeaders(given);

        Assert.NotNull(first);
        Assert.NotSame(first, second);
        Assert.Equal(["a", "b", "a"], first.Select(h => h.Key));
        Assert.Equal([2], first[2].Value);
        Assert.Null(ProduceLines.ToHeaders([]));
    }
}
