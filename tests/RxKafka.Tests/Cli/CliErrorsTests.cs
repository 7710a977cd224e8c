using RxKafka.Cli;

namespace RxKafka.Tests.Cli;

/// <summary>How rxkafka turns an error into its one line on standard error.</summary>
public sealed class CliErrorsTests
{
    [Fact]
    public void A_timeout_carrying_connection_failures_is_told_cause_first_most_recent_first()
    {
        var causes = new KafkaConnectionException("the last attempts failed", [
            new("a:9092", new KafkaConnectionException("a", 9092, "connection refused")),
            new("b:9092", new KafkaConnectionException("b", 9092, "TLS handshake failed")),
        ]);
        var timeout = new UnknownTopicOrPartitionException("Topic 't' is not in the cluster metadata after 30000 ms (request.timeout.ms); " + causes.Message, causes);
        var stderr = new StringWriter();

        var code = CliErrors.Report(timeout, stderr, verbose: false);

        Assert.Equal(1, code);
        Assert.Equal(
            "rxkafka: Connection to broker b:9092 failed: TLS handshake failed; Connection to broker a:9092 failed: connection refused; so Topic 't' is not in the cluster metadata after 30000 ms (request.timeout.ms)",
            stderr.ToString().TrimEnd());
    }

    [Fact]
    public void An_error_without_connection_failures_keeps_its_own_message()
    {
        var stderr = new StringWriter();

        CliErrors.Report(new UnknownTopicOrPartitionException("Topic 't' is not in the cluster metadata"), stderr, verbose: false);

        Assert.Equal("rxkafka: Topic 't' is not in the cluster metadata", stderr.ToString().TrimEnd());
    }
}
