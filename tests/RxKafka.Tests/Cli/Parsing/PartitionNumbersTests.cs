using RxKafka.Cli.Parsing;

namespace RxKafka.Tests.Cli.Parsing;

public sealed class PartitionNumbersTests
{
    [Fact]
    public void Lists_and_repeats_add_up_in_order()
    {
        Assert.True(PartitionNumbers.TryParse(["3,0", " 7 "], out var partitions, out var error), error);
        Assert.Equal([3, 0, 7], partitions);
    }

    [Theory]
    [InlineData("1,,2", "has an empty entry")]
    [InlineData("-1", "'-1' is not a partition number")]
    [InlineData("one", "'one' is not a partition number")]
    [InlineData("1,1", "--partition 1 is given twice")]
    public void Bad_lists_are_one_error_naming_the_entry(string text, string expected)
    {
        Assert.False(PartitionNumbers.TryParse([text], out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
