using System.Globalization;
using System.Text;

namespace RxKafka.MessageGen;

/// <summary>Reads RxKafka's message-definition files (*.kdef). See docs/message-definitions.md for the format.</summary>
public static class DefinitionParser
{
    public static List<MessageDefinition> ParseDirectory(string directory)
    {
        var all = new List<MessageDefinition>();
        foreach (var path in Directory.GetFiles(directory, "*.kdef").OrderBy(p => p, StringComparer.Ordinal))
        {
            all.AddRange(Parse(File.ReadAllText(path), Path.GetFileName(path)));
        }

        return all;
    }

    public static List<MessageDefinition> Parse(string text, string fileName)
    {
        var result = new List<MessageDefinition>();
        MessageDefinition? current = null;

        // The stack holds the field list at each indentation depth.
        var stack = new List<List<FieldDefinition>>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var lineNo = i + 1;
            if (raw.Trim().Length == 0 || raw.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var indent = raw.Length - raw.TrimStart(' ').Length;
            if (indent % 2 != 0)
            {
                throw Error(fileName, lineNo, "indentation must be a multiple of two spaces");
            }

            var depth = indent / 2;
            var tokens = Tokenize(raw.Trim(), fileName, lineNo);
            if (depth == 0)
            {
                current = ParseHeader(tokens, fileName, lineNo);
                result.Add(current);
                stack.Clear();
                stack.Add(current.Fields);
                continue;
            }

            if (current is null)
            {
                throw Error(fileName, lineNo, "a field before any request/response/header/data line");
            }

            if (depth > stack.Count)
            {
                throw Error(fileName, lineNo, "indented too deep: a field may only be nested under a struct field");
            }

            stack.RemoveRange(depth, stack.Count - depth);
            if (tokens[0] == "struct")
            {
                if (depth != 1 || tokens.Count != 3)
                {
                    throw Error(fileName, lineNo, "'struct NAME VERSIONS' belongs directly under a message");
                }

                var cs = new CommonStructDefinition { Name = tokens[1], Versions = Range(tokens[2], fileName, lineNo) };
                current.CommonStructs.Add(cs);
                stack.Add(cs.Fields);
                continue;
            }

            var field = ParseField(tokens, fileName, lineNo);
            stack[depth - 1].Add(field);
            stack.Add(field.Fields);
        }

        return result;
    }

    private static MessageDefinition ParseHeader(List<string> t, string file, int line)
    {
        var kind = t[0] switch
        {
            "request" => DefinitionKind.Request,
            "response" => DefinitionKind.Response,
            "header" => DefinitionKind.Header,
            "data" => DefinitionKind.Data,
            _ => throw Error(file, line, $"expected request, response, header or data but found '{t[0]}'"),
        };
        if (t.Count < 2)
        {
            throw Error(file, line, "missing name");
        }

        short? key = null;
        VersionRange? valid = null, flexible = null, deprecated = null;
        var unstable = false;
        var listeners = new List<string>();
        string? route = null;
        for (var i = 2; i < t.Count; i++)
        {
            switch (t[i])
            {
                case "key": key = short.Parse(Next(t, ref i, file, line), CultureInfo.InvariantCulture); break;
                case "versions": valid = Range(Next(t, ref i, file, line), file, line); break;
                case "flexible": flexible = Range(Next(t, ref i, file, line), file, line); break;
                case "deprecated": deprecated = Range(Next(t, ref i, file, line), file, line); break;
                case "unstable": unstable = true; break;
                case "listeners": listeners = Next(t, ref i, file, line).Split(',').ToList(); break;
                case "route": route = Next(t, ref i, file, line); break;
                default: throw Error(file, line, $"unknown attribute '{t[i]}'");
            }
        }

        if (valid is null || flexible is null)
        {
            throw Error(file, line, "a definition needs 'versions' and 'flexible'");
        }

        if ((kind is DefinitionKind.Request or DefinitionKind.Response) && key is null)
        {
            throw Error(file, line, "a request or response needs 'key'");
        }

        if (kind == DefinitionKind.Request && route is null)
        {
            throw Error(file, line, "a request needs 'route'");
        }

        return new MessageDefinition
        {
            Kind = kind,
            Name = t[1],
            ApiKey = key,
            ValidVersions = valid.Value,
            FlexibleVersions = flexible.Value,
            DeprecatedVersions = deprecated,
            LatestVersionUnstable = unstable,
            Listeners = listeners,
            Route = route,
            SourceFile = file,
        };
    }

    private static FieldDefinition ParseField(List<string> t, string file, int line)
    {
        if (t.Count < 3)
        {
            throw Error(file, line, "a field needs NAME TYPE VERSIONS");
        }

        VersionRange nullable = VersionRange.None, tagged = VersionRange.None;
        VersionRange? flexible = null;
        int? tag = null;
        var ignorable = false;
        string? dflt = null;
        for (var i = 3; i < t.Count; i++)
        {
            var tok = t[i];
            if (tok.StartsWith("default=", StringComparison.Ordinal))
            {
                dflt = tok["default=".Length..];
                continue;
            }

            switch (tok)
            {
                case "nullable": nullable = Range(Next(t, ref i, file, line), file, line); break;
                case "tagged": tagged = Range(Next(t, ref i, file, line), file, line); break;
                case "tag": tag = int.Parse(Next(t, ref i, file, line), CultureInfo.InvariantCulture); break;
                case "flexible": flexible = Range(Next(t, ref i, file, line), file, line); break;
                case "ignorable": ignorable = true; break;
                default: throw Error(file, line, $"unknown field attribute '{tok}'");
            }
        }

        if (tagged.IsEmpty != (tag is null))
        {
            throw Error(file, line, "'tagged' and 'tag' go together");
        }

        return new FieldDefinition
        {
            Name = t[0],
            Type = t[1],
            Versions = Range(t[2], file, line),
            NullableVersions = nullable,
            TaggedVersions = tagged,
            Tag = tag,
            FlexibleVersions = flexible,
            Ignorable = ignorable,
            Default = dflt,
            Line = line,
        };
    }

    private static string Next(List<string> t, ref int i, string file, int line)
    {
        if (i + 1 >= t.Count)
        {
            throw Error(file, line, $"'{t[i]}' needs a value");
        }

        return t[++i];
    }

    private static VersionRange Range(string s, string file, int line)
    {
        try
        {
            return VersionRange.Parse(s);
        }
        catch (FormatException)
        {
            throw Error(file, line, $"bad version range '{s}'");
        }
    }

    /// <summary>Splits on spaces; a value after "default=" may be a JSON-style quoted string.</summary>
    private static List<string> Tokenize(string s, string file, int line)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == ' ')
            {
                i++;
                continue;
            }

            var sb = new StringBuilder();
            while (i < s.Length && s[i] != ' ')
            {
                if (s[i] == '"')
                {
                    i++;
                    while (i < s.Length && s[i] != '"')
                    {
                        if (s[i] == '\\' && i + 1 < s.Length)
                        {
                            i++;
                        }

                        sb.Append(s[i++]);
                    }

                    if (i >= s.Length)
                    {
                        throw Error(file, line, "unterminated quoted value");
                    }

                    i++;
                    continue;
                }

                sb.Append(s[i++]);
            }

            tokens.Add(sb.ToString());
        }

        return tokens;
    }

    private static FormatException Error(string file, int line, string message) => new($"{file}({line}): {message}");
}
