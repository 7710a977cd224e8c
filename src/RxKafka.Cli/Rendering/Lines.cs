namespace RxKafka.Cli.Rendering;

/// <summary>Text made to fit the command's line-per-event output.</summary>
internal static class Lines
{
    /// <summary><paramref name="text"/> as one line: its line breaks (an exception message may have some) become spaces.</summary>
    public static string One(string text) =>
        string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
