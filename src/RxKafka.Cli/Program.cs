using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using RxKafka.Cli.Commands;

namespace RxKafka.Cli;

/// <summary>The <c>rxkafka</c> command line: <c>demo</c>, <c>metadata</c>, <c>watch</c>, <c>produce</c>, <c>consume</c>, <c>bench produce</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args);

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // A plain command named rxkafka rather than a RootCommand, which takes its name from the assembly (RxKafka.Cli).
        var root = new Command("rxkafka", "Look at a Kafka cluster through RxKafka's client, watch its metadata change, produce to it, consume from it, and measure the producer")
        {
            new HelpOption(),
            new VersionOption(),
            CommonOptions.Config,
            CommonOptions.Verbose,
            DemoCommand.Create(),
            MetadataCommand.Create(),
            WatchCommand.Create(),
            ProduceCommand.Create(),
            ConsumeCommand.Create(),
            BenchCommand.Create(),
        };

        // No response files: '@' starts a time in consume --from (@1700000000000), not a file of arguments.
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var chosen = result.CommandResult.Command;
        if (chosen.Subcommands.Count > 0 && result.Action is null or ParseErrorAction && result.UnmatchedTokens.Count == 0)
        {
            // A command that only groups others (rxkafka itself, bench) was given none of them.
            var names = string.Join(", ", chosen.Subcommands.Select(c => c.Name));
            Console.Error.WriteLine(CliErrors.Line($"give a command: {names} (see {CommandPath(result.CommandResult)} --help)"));
            return ExitCodes.Usage;
        }

        if (result.Errors.Count > 0)
        {
            // One line: the first error (an unknown word first), and where to look. The parser's own error action would print the whole help.
            var command = CommandPath(result.CommandResult);
            var error = result.UnmatchedTokens.Count > 0 ? $"unknown command or option '{result.UnmatchedTokens[0]}'" : result.Errors[0].Message;
            Console.Error.WriteLine(CliErrors.Line($"{error} (see {command} --help)"));
            return ExitCodes.Usage;
        }

        // Exceptions are reported by Guard as one line; Ctrl+C cancels the action's token.
        return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>The command as typed: "rxkafka", "rxkafka metadata", "rxkafka bench produce".</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult command)
            {
                names.Add(command.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(" ", names);
    }

    /// <summary>
    /// A command's action with its failures turned into one line on standard error and an exit code
    /// (<see cref="CliErrors"/>); a Ctrl+C before the command got going exits with 130.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (result, cancellationToken) =>
        {
            try
            {
                return await action(result, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine(CliErrors.Line("interrupted"));
                return 130;
            }
            catch (Exception e)
            {
                return CliErrors.Report(e, Console.Error, result.GetValue(CommonOptions.Verbose));
            }
        };
}
