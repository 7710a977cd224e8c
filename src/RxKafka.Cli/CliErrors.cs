using RxKafka.Cli.Rendering;
using RxKafka.Testing.MockCluster;

namespace RxKafka.Cli;

/// <summary>The exit codes of <c>rxkafka</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed: unreachable brokers, a missing mock library, a broker error.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: an unknown option, a bad duration, address or config value.</summary>
    public const int Usage = 2;
}

/// <summary>A command line that parsed but cannot be run (a required option left out, ...): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The embedded cluster's librdkafka build is not installed: exit code 1 and the fix.</summary>
internal sealed class MockLibraryMissingException(MockBuild build)
    : Exception($"{MockLibraries.Describe(build)} is missing at {MockLibraries.LibraryPath(build)}: {MockLibraries.HowToInstall(build)}");

/// <summary>
/// Turns a failure into one line on standard error and an exit code. Never a stack trace, unless
/// <c>--verbose</c> asked for one.
/// </summary>
internal static class CliErrors
{
    /// <summary>Reports <paramref name="error"/> and returns the exit code it means.</summary>
    public static int Report(Exception error, TextWriter stderr, bool verbose)
    {
        var (code, message) = LeadWithCause(error) is { } led ? (ExitCodes.Failed, led) : error switch
        {
            UsageException or KafkaConfigException => (ExitCodes.Usage, error.Message),
            KafkaConnectionException => (ExitCodes.Failed, error.Message),
            MockLibraryMissingException => (ExitCodes.Failed, error.Message),
            DllNotFoundException => (ExitCodes.Failed, error.Message),
            KafkaException => (ExitCodes.Failed, error.Message),
            _ => (ExitCodes.Failed, $"{error.GetType().Name}: {error.Message}"),
        };
        stderr.WriteLine(Line(message));
        if (verbose)
        {
            stderr.WriteLine(error);
        }

        return code;
    }

    /// <summary>
    /// A timeout that carries the connection failures behind it (the library's "the last attempts
    /// failed: ..." inner <see cref="KafkaConnectionException"/>) is told cause first: "connection to
    /// 127.0.0.1:1 refused ...; so topic 't' is not in the metadata after ...". Null for any other error,
    /// whose own message already leads with what went wrong.
    /// </summary>
    internal static string? LeadWithCause(Exception error)
    {
        if (error is KafkaConnectionException or NodeNotReadyException || error.InnerException is not KafkaConnectionException { BrokerErrors.Count: > 0 } causes)
        {
            return null;
        }

        var own = error.Message;
        var suffix = "; " + causes.Message;
        if (own.EndsWith(suffix, StringComparison.Ordinal))
        {
            own = own[..^suffix.Length];
        }

        // The most recent failure first: it is the likeliest cause.
        return string.Join("; ", causes.BrokerErrors.Reverse().Select(e => e.Value.Message)) + "; so " + own;
    }

    /// <summary>A message as one line prefixed with the command's name.</summary>
    public static string Line(string message) =>
        "rxkafka: " + Lines.One(message);
}
