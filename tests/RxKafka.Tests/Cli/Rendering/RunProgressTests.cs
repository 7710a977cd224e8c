using RxKafka.Cli.Rendering;

namespace RxKafka.Tests.Cli.Rendering;

/// <summary>The progress line of a long run.</summary>
public sealed class RunProgressTests
{
    [Fact]
    public void The_progress_line_counts_failed_records_apart_from_delivered_ones()
    {
        // Issue 11: the line climbed to 2,936,226 "delivered" of 3,000,000 while most of them had failed.
        var line = RunProgress.Line(delivered: 961_409, failed: 1_974_817, total: 3_000_000, TimeSpan.FromSeconds(12.34));

        Assert.Equal("  961,409 of 3,000,000 records delivered (32%), 1,974,817 failed, after 12.3 s", line);
    }
}
