using RxKafka.IntegrationTests.Support;

namespace RxKafka.IntegrationTests.Cli;

/// <summary>Bad command lines exit with 2, unreachable brokers with 1; each with one line on standard error and no stack trace.</summary>
public sealed class CliErrorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["demo", "--bogus"], "'--bogus'" },
        { ["demo", "--duration", "20x"], "'20x'" },
        { ["watch", "-b", "127.0.0.1:1", "--duration", "0s"], "'0s'" },
        { ["metadata", "-b", "localhost:notaport"], "'localhost:notaport'" },
        { ["metadata", "-b", "127.0.0.1:1", "--config", "metadata.max.age.ms=soon"], "metadata.max.age.ms" },
        { ["metadata", "-b", "127.0.0.1:1", "--config", "no-equals-sign"], "'no-equals-sign'" },
        { ["metadata"], "-b host:port" },
        { [], "give a command" },
        { ["produce"], "'--topic' is required" },
        { ["produce", "-t", "t", "--header", "nokey"], "--header 'nokey' is not key=value" },
        { ["produce", "-t", "t", "--header", "=v"], "--header '=v' has no key" },
        { ["produce", "-t", "t", "--key-separator", ""], "--key-separator is empty" },
        { ["produce", "-t", "t", "--partition", "two"], "--partition: 'two' is not a whole number" },
        { ["produce", "-t", "t", "--file", "/no/such/file.txt"], "/no/such/file.txt" },
        { ["bench"], "give a command: produce" },
        { ["bench", "produce", "--acks", "2"], "'2'" },
        { ["bench", "produce", "--records", "0"], "--records must be 1 or more" },
        { ["bench", "produce", "--compression", "brotli"], "'brotli'" },
        { ["bench", "produce", "--config", "linger.ms=soon"], "linger.ms" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_exit_with_2_and_one_line(string[] arguments, string expected)
    {
        var run = RxKafkaCli.Run(Deadline, arguments);

        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}:\n{run.Output}");
        CliAssert.OneErrorLine(run, expected);
    }

    [Theory]
    [InlineData("metadata")]
    [InlineData("watch")]
    public void An_unreachable_broker_exits_with_1_and_one_line_naming_it(string command)
    {
        var run = RxKafkaCli.Run(Deadline, command, "-b", "127.0.0.1:1");

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        CliAssert.OneErrorLine(run, "unable to bootstrap from 127.0.0.1:1");
    }

    [Theory]
    [InlineData("produce", "-t", "t")]
    [InlineData("bench", "produce")]
    public void An_unreachable_broker_makes_produce_and_bench_produce_exit_with_1_and_one_line(params string[] command)
    {
        var run = RxKafkaCli.RunWithInput(Deadline, "never read\n", [.. command, "-b", "127.0.0.1:1"]);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        CliAssert.OneErrorLine(run, "unable to bootstrap from 127.0.0.1:1");
    }

    public static TheoryData<string[]> EveryCommandThatConnects => new()
    {
        { ["metadata"] },
        { ["watch", "--duration", "30s"] },
        { ["produce", "-t", "t"] },
        { ["bench", "produce", "--records", "10"] },
    };

    [Theory]
    [MemberData(nameof(EveryCommandThatConnects))]
    public void A_closed_port_is_named_as_a_refused_connection_first_by_every_command(string[] command)
    {
        // Issue 11: produce led with "Broker -1 is in its reconnect backoff for another 21 ms" when its
        // bootstrap met the backoff of the producer's own first attempt; the refused connection is the cause.
        var port = ClosedPort();
        var run = RxKafkaCli.RunWithInput(Deadline, "never read\n", [.. command, "-b", $"127.0.0.1:{port}"]);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        CliAssert.OneErrorLine(run, $"Connection to broker 127.0.0.1:{port} failed: connection refused");
        var line = run.StandardError.Trim();
        var refused = line.IndexOf("connection refused", StringComparison.Ordinal);
        var backoff = line.IndexOf("backoff", StringComparison.Ordinal);
        Assert.True(backoff < 0 || refused < backoff, $"the backoff is named before the refused connection: {line}");
    }

    /// <summary>A loopback port nothing listens on: one the OS just gave out and took back.</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var run = RxKafkaCli.Run(Deadline, "metadata", "-b", "127.0.0.1:1", "--verbose");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("rxkafka: unable to bootstrap from 127.0.0.1:1", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("   at ", run.StandardError, StringComparison.Ordinal);
    }
}
