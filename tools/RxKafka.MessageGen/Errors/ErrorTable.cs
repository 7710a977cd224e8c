using System.Globalization;

namespace RxKafka.MessageGen.Errors;

/// <summary>One Kafka error code as the table states it.</summary>
/// <param name="Code">The code on the wire.</param>
/// <param name="Name">Kafka's upper-case name, e.g. <c>NOT_LEADER_OR_FOLLOWER</c>.</param>
/// <param name="Retriable">Kafka's retriable flag.</param>
/// <param name="InvalidMetadata">Whether Kafka's exception for the code extends InvalidMetadataException (refresh metadata, then retry).</param>
/// <param name="Family">The family the code belongs to (a key of <see cref="ErrorTable.Families"/>); <c>-</c> for NONE.</param>
/// <param name="Exception">A specific exception type for the code, or null when the family's type is thrown.</param>
/// <param name="Description">Our own one-line description.</param>
public sealed record ErrorRow(short Code, string Name, bool Retriable, bool InvalidMetadata, string Family, string? Exception, string Description)
{
    /// <summary>The enum member: Kafka's name in PascalCase (<c>NOT_LEADER_OR_FOLLOWER</c> → <c>NotLeaderOrFollower</c>).</summary>
    public string Member => string.Concat(Name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));

    /// <summary>The type a user catches for this code: the specific type, else the family's.</summary>
    public string? ThrownType => Exception ?? (ErrorTable.Families.TryGetValue(Family, out var type) ? type : null);
}

/// <summary>One exception type of the public surface, for the docs (why it exists, when to catch it).</summary>
/// <param name="Type">The type's name.</param>
/// <param name="Base">Its base type's name.</param>
/// <param name="Why">A line on why it exists and when a user catches it.</param>
public sealed record ExceptionRow(string Type, string Base, string Why);

/// <summary>
/// The error table (<c>errors.tsv</c>) and the exception list (<c>exceptions.tsv</c>), parsed and checked.
/// Tab-separated so each code is one reviewable line; <c>#</c> starts a comment line.
/// </summary>
public sealed class ErrorTable
{
    public const string Folder = "src/RxKafka/Exceptions";
    public const string ErrorsFile = Folder + "/errors.tsv";
    public const string ExceptionsFile = Folder + "/exceptions.tsv";

    /// <summary>Family key → the exception type RxKafka throws for a code of that family.</summary>
    public static readonly IReadOnlyDictionary<string, string> Families = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["retriable"] = "RetriableException",
        ["invalid-metadata"] = "InvalidMetadataException",
        ["authorization"] = "AuthorizationException",
        ["authentication"] = "AuthenticationException",
        ["connection"] = "KafkaConnectionException",
        ["protocol"] = "KafkaProtocolException",
        ["config"] = "KafkaConfigException",
        ["kafka"] = "KafkaException",
    };

    private ErrorTable(List<ErrorRow> errors, List<ExceptionRow> exceptions)
    {
        Errors = errors;
        Exceptions = exceptions;
    }

    public IReadOnlyList<ErrorRow> Errors { get; }

    public IReadOnlyList<ExceptionRow> Exceptions { get; }

    /// <summary>Reads both files under <paramref name="root"/> (the repository root) and checks them.</summary>
    /// <exception cref="FormatException">A line is malformed or the table breaks one of its rules; the message names the file and line.</exception>
    public static ErrorTable Load(string root)
    {
        var errors = Rows(Path.Combine(root, ErrorsFile), 7).Select(r => ParseError(r.Fields, r.Where)).ToList();
        var exceptions = Rows(Path.Combine(root, ExceptionsFile), 3).Select(r => new ExceptionRow(r.Fields[0], r.Fields[1], r.Fields[2])).ToList();
        var table = new ErrorTable(errors, exceptions);
        table.Check();
        return table;
    }

    private static IEnumerable<(string[] Fields, string Where)> Rows(string path, int columns)
    {
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#'))
            {
                continue;
            }

            var where = $"{Path.GetFileName(path)} line {i + 1}";
            var fields = lines[i].Split('\t');
            if (fields.Length != columns || fields.Any(f => f.Length == 0 || f != f.Trim()))
            {
                throw new FormatException($"{where}: expected {columns} non-empty tab-separated columns, found {fields.Length}: '{lines[i]}'");
            }

            yield return (fields, where);
        }
    }

    private static ErrorRow ParseError(string[] f, string where)
    {
        if (!short.TryParse(f[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out short code))
        {
            throw new FormatException($"{where}: code '{f[0]}' is not an INT16");
        }

        return new ErrorRow(code, f[1], YesNo(f[2], where), YesNo(f[3], where), f[4], f[5] == "-" ? null : f[5], f[6]);
    }

    private static bool YesNo(string value, string where) => value switch
    {
        "yes" => true,
        "no" => false,
        _ => throw new FormatException($"{where}: expected yes or no, found '{value}'"),
    };

    // The rules that keep the generated enum, mapping and docs coherent: contiguous codes (the lookup
    // indexes an array by code + 1), families that agree with the retriable and invalid-metadata
    // flags, and every thrown type listed (with why it exists) in exceptions.tsv.
    private void Check()
    {
        var known = Exceptions.ToDictionary(e => e.Type, StringComparer.Ordinal);
        for (int i = 0; i < Errors.Count; i++)
        {
            var e = Errors[i];
            string what = $"{ErrorsFile}: {e.Name} ({e.Code})";
            if (e.Code != i - 1)
            {
                throw new FormatException($"{what}: codes must run from -1 without gaps; expected {i - 1}");
            }

            if (!e.Name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                throw new FormatException($"{what}: the name is not Kafka's UPPER_SNAKE_CASE");
            }

            if (e.Code == 0)
            {
                if (e.Family != "-" || e.Exception is not null || e.Retriable || e.InvalidMetadata)
                {
                    throw new FormatException($"{what}: NONE is success; it has no family, no exception and no flags");
                }

                continue;
            }

            if (!Families.ContainsKey(e.Family))
            {
                throw new FormatException($"{what}: unknown family '{e.Family}' (known: {string.Join(", ", Families.Keys)})");
            }

            if (e.InvalidMetadata && !e.Retriable)
            {
                throw new FormatException($"{what}: an invalid-metadata code is retriable in Kafka");
            }

            bool familyRetriable = e.Family is "retriable" or "invalid-metadata";
            if (familyRetriable != e.Retriable && e.Family is not ("connection" or "kafka"))
            {
                throw new FormatException($"{what}: family '{e.Family}' does not fit retriable={(e.Retriable ? "yes" : "no")}");
            }

            if ((e.Family == "invalid-metadata") != (e.InvalidMetadata && e.Family != "connection"))
            {
                throw new FormatException($"{what}: family invalid-metadata and the metadata flag must agree (the connection family aside)");
            }

            if (e.Family == "kafka" && e.Retriable)
            {
                throw new FormatException($"{what}: a retriable code belongs to a retriable family");
            }

            if (e.ThrownType is not { } thrown || !known.TryGetValue(thrown, out var listed))
            {
                throw new FormatException($"{what}: exception type '{e.ThrownType}' is not listed in {ExceptionsFile}");
            }

            if (e.Exception is not null && listed.Base != Families[e.Family])
            {
                throw new FormatException($"{what}: {e.Exception} derives from {listed.Base}, not from its family's {Families[e.Family]}");
            }
        }

        var duplicate = Errors.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FormatException($"{ErrorsFile}: the name {duplicate.Key} appears twice");
        }
    }
}
