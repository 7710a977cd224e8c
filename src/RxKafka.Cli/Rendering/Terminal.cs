using Spectre.Console;

namespace RxKafka.Cli.Rendering;

/// <summary>
/// The console the commands write to. On a terminal: colour and Unicode tables. Anywhere else (a pipe,
/// a file, a CI log) or with <c>NO_COLOR</c> set: no ANSI escapes at all and no interactive widgets,
/// so every line reads as plain text, and no wrapping: a change stays one line however long, and
/// tables take the width their content needs.
/// </summary>
internal static class Terminal
{
    /// <summary>The width when the output is not a terminal: wide enough that nothing wraps.</summary>
    private const int PlainWidth = 4096;

    /// <summary>A console on standard output, set up for where that output goes.</summary>
    public static IAnsiConsole CreateStandardOutput() =>
        Create(Console.Out, isTerminal: !Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 });

    /// <summary>A console on <paramref name="writer"/>, with colour only for a terminal and without <paramref name="noColor"/>.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool isTerminal, bool noColor)
    {
        var colour = isTerminal && !noColor;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = colour ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            console.Profile.Width = PlainWidth;
        }

        return console;
    }
}
