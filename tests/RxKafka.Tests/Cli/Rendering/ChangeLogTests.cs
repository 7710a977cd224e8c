using System.Collections.Immutable;
using RxKafka.Cli.Rendering;
using RxKafka.Cluster;

namespace RxKafka.Tests.Cli.Rendering;

public sealed class ChangeLogTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void Off_a_terminal_a_change_is_one_plain_line_with_time_kind_and_description()
    {
        var output = new StringWriter();
        var log = new ChangeLog(Terminal.Create(output, isTerminal: false, noColor: false));

        log.Change(At, new LeaderChanged("orders", 0, 1, 2, 0, 1));

        var expected = $"{At.ToLocalTime():HH:mm:ss.fff}  LeaderChanged          leader of orders-0 moved 1 -> 2 (epoch 0 -> 1)";
        Assert.Equal(expected + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Off_a_terminal_nothing_carries_an_escape_sequence()
    {
        var output = new StringWriter();
        var console = Terminal.Create(output, isTerminal: false, noColor: false);
        var log = new ChangeLog(console);

        log.Change(At, new BrokerRemoved(new BrokerNode(3, "localhost", 9094)));
        log.Step(At, "take broker [3] down");
        log.Update(new MetadataUpdate(At, MetadataUpdateReason.Retry, ClusterSnapshot.Empty, null, new InvalidOperationException("no broker")));

        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Contains("take broker [3] down", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("MetadataUpdateFailed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_failure_with_line_breaks_stays_one_line()
    {
        var output = new StringWriter();
        var log = new ChangeLog(Terminal.Create(output, isTerminal: false, noColor: false));
        var error = new InvalidOperationException("unable to update metadata from a:9092\n" + new string('x', 300) + "\r\nand more");

        log.Update(new MetadataUpdate(At, MetadataUpdateReason.MaxAge, ClusterSnapshot.Empty, null, error));

        var line = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(new string('x', 300) + " and more", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Colour_only_on_a_terminal_without_NO_COLOR(bool isTerminal, bool noColor, bool coloured)
    {
        var output = new StringWriter();
        var log = new ChangeLog(Terminal.Create(output, isTerminal, noColor));

        log.Change(At, new BrokerAdded(new BrokerNode(3, "localhost", 9094)));

        Assert.Equal(coloured, output.ToString().Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public void What_appears_is_green_what_goes_is_red_and_moves_are_yellow()
    {
        var node = new BrokerNode(1, "localhost", 9092);

        Assert.Equal("green", ChangeLog.ColourOf(new BrokerAdded(node)));
        Assert.Equal("red", ChangeLog.ColourOf(new BrokerRemoved(node)));
        Assert.Equal("yellow", ChangeLog.ColourOf(new LeaderChanged("t", 0, 1, 2, 0, 1)));
        Assert.Equal("red", ChangeLog.ColourOf(new LeaderChanged("t", 0, 1, -1, 0, 1)));
        Assert.Equal("aqua", ChangeLog.ColourOf(new IsrChanged("t", 0, [1, 2], ImmutableArray.Create(1))));
    }
}
