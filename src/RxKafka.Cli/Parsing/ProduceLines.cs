using System.Text;
using RxKafka.Serialization;

namespace RxKafka.Cli.Parsing;

/// <summary>One line of <c>rxkafka produce</c>'s input as a record's key and value.</summary>
/// <param name="Key">The key: the text before the separator, or null when there is no separator (or no separator option).</param>
/// <param name="Value">The value: the text after the separator, or the whole line.</param>
internal readonly record struct ProduceLine(string? Key, string Value);

/// <summary>
/// What <c>rxkafka produce</c> makes of its input and options: lines into keys and values
/// (<c>key&lt;SEP&gt;value</c>), <c>--key-separator</c> with its escapes, <c>--header k=v</c>.
/// </summary>
internal static class ProduceLines
{
    /// <summary>
    /// A line as a key and a value. Without <paramref name="separator"/>, or when the line does not
    /// contain it, the key is null and the value is the whole line; otherwise the line splits at the
    /// separator's first occurrence (later ones belong to the value; a line starting with it has an
    /// empty key). An empty line is no record: null.
    /// </summary>
    public static ProduceLine? Parse(string line, string? separator)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length == 0)
        {
            return null;
        }

        var at = string.IsNullOrEmpty(separator) ? -1 : line.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? new ProduceLine(null, line) : new ProduceLine(line[..at], line[(at + separator!.Length)..]);
    }

    /// <summary>
    /// The separator as typed: <c>\t</c> stands for a tab and <c>\\</c> for a backslash (a shell
    /// makes a real tab awkward to type); any other text is taken as is.
    /// </summary>
    public static bool TryParseSeparator(string? text, out string separator, out string? error)
    {
        separator = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "--key-separator is empty; give e.g. '\\t' for a tab or ':'";
            return false;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is 't' or '\\')
            {
                result.Append(text[i + 1] == 't' ? '\t' : '\\');
                i++;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        if (result.ToString().AsSpan().ContainsAny('\r', '\n'))
        {
            error = "--key-separator cannot contain a line break: records are lines";
            return false;
        }

        separator = result.ToString();
        error = null;
        return true;
    }

    /// <summary>
    /// A header as <c>key=value</c>, split at the first '=': the key must not be empty, the value may
    /// be (an empty value, not a null one) and may contain '='. Neither is trimmed. The value is UTF-8.
    /// </summary>
    public static bool TryParseHeader(string? text, out Header header, out string? error)
    {
        header = default;
        var equals = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (text is null || equals < 0)
        {
            error = $"--header '{text}' is not key=value (e.g. --header source=cli)";
            return false;
        }

        if (equals == 0)
        {
            error = $"--header '{text}' has no key before '=' (e.g. --header source=cli)";
            return false;
        }

        header = new Header(text[..equals], Encoding.UTF8.GetBytes(text[(equals + 1)..]));
        error = null;
        return true;
    }

    /// <summary>A new <see cref="Headers"/> with <paramref name="headers"/>, in order (one per record: a serializer may add to it).</summary>
    public static Headers? ToHeaders(IReadOnlyList<Header> headers)
    {
        if (headers.Count == 0)
        {
            return null;
        }

        var result = new Headers();
        foreach (var header in headers)
        {
            result.Add(header);
        }

        return result;
    }
}
