using System.Text.Json;
using System.Text.RegularExpressions;
using RxKafka.MessageGen;

namespace RxKafka.Tests.Protocol.Messages;

/// <summary>
/// Checks the project's own message definitions against Apache Kafka's message JSON files
/// (../shared/kafka-spec beside the checkout, or $KAFKA_SPEC_DIR): the same APIs, valid and
/// flexible versions, and for every version the same fields in the same order with the same
/// types, nullability, tags and defaults.
/// </summary>
public sealed partial class SpecConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Definitions_match_the_Kafka_message_specification_for_every_api_and_version()
    {
        var specDir = SpecDirectoryOrSkip();
        var result = Compare(specDir);
        output.WriteLine($"Kafka spec: {specDir} ({result.Files} files)");
        output.WriteLine($"Matched {result.Apis} APIs at {result.ApiVersions} API versions (request and response each), {result.MessageVersions} message versions in all, including headers and data structures.");
        output.WriteLine($"Deliberate differences (SpecDifferences.cs): {SpecDifferences.NewerVersions.Count} newer versions, {SpecDifferences.StableVersions.Count} now stable.");
        Assert.True(result.Problems.Count == 0, $"{result.Problems.Count} differences from the Kafka spec:\n" + string.Join("\n", result.Problems));
    }

    [Fact]
    public void Only_the_recorded_differences_are_accepted_and_one_the_reference_has_caught_up_with_is_reported()
    {
        var specDir = SpecDirectoryOrSkip();
        var copy = Directory.CreateTempSubdirectory("kafka-spec-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(specDir, "*.json"))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            // The reference catches up with Produce v12: the recorded difference is stale and must go.
            Rewrite(copy, "ProduceRequest.json", "\"validVersions\": \"0-11\"", "\"validVersions\": \"0-12\"");
            // A difference nobody recorded (the reference one version behind ours) still fails.
            Rewrite(copy, "AddOffsetsToTxnRequest.json", "\"validVersions\": \"0-4\"", "\"validVersions\": \"0-3\"");

            var problems = Compare(copy).Problems;

            Assert.Contains(problems, p => p.StartsWith("ProduceRequest v12:", StringComparison.Ordinal) && p.Contains("remove it from SpecDifferences", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.StartsWith("AddOffsetsToTxnRequest: validVersions is '0-4' but the spec says '0-3'", StringComparison.Ordinal));
            Assert.Equal(2, problems.Count);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>
    /// Compares every definition with the spec folder's JSON, with the recorded <see cref="SpecDifferences"/> applied:
    /// the problems found, and how much matched.
    /// </summary>
    internal static (List<string> Problems, int Files, int Apis, int ApiVersions, int MessageVersions) Compare(string specDir)
    {
        var ours = Definitions.All.ToDictionary(d => d.ClassName);
        var problems = new List<string>();
        var apis = new HashSet<short>();
        var messageVersions = 0;
        var apiVersions = 0;
        var files = Directory.GetFiles(specDir, "*.json").OrderBy(p => p, StringComparer.Ordinal).ToList();
        var seen = new HashSet<string>();
        foreach (var path in files)
        {
            using var doc = JsonDocument.Parse(StripComments(File.ReadAllText(path)));
            var spec = doc.RootElement;
            var name = spec.GetProperty("name").GetString()!;
            seen.Add(name);
            if (!ours.TryGetValue(name, out var def))
            {
                problems.Add($"{name}: in the spec but not defined by RxKafka");
                continue;
            }

            var before = problems.Count;
            CompareMessage(spec, def, problems);
            var valid = VersionRange.Parse(spec.GetProperty("validVersions").GetString()!);
            for (var v = valid.Low; v <= valid.High; v++)
            {
                var expected = Project(SpecFields(spec), spec, v, problems, name);
                var actual = Project(def, def.Fields, v);
                if (!expected.SequenceEqual(actual))
                {
                    problems.Add($"{name} v{v}: field layout differs.\n  spec: {string.Join(" | ", expected)}\n  ours: {string.Join(" | ", actual)}");
                }
            }

            CompareNewerVersions(spec, def, valid, problems);
            if (problems.Count == before)
            {
                var count = valid.High - valid.Low + 1;
                messageVersions += count;
                if (def.Kind == DefinitionKind.Request)
                {
                    apis.Add(def.ApiKey!.Value);
                    apiVersions += count;
                }
            }
        }

        foreach (var extra in ours.Keys.Where(k => !seen.Contains(k)))
        {
            problems.Add($"{extra}: defined by RxKafka but not in the spec folder");
        }

        return (problems, files.Count, apis.Count, apiVersions, messageVersions);
    }

    // A recorded newer version: beyond the reference's range (else the record is stale), with the fields of the
    // version it repeats, as Kafka's JSON gives them for that version.
    private static void CompareNewerVersions(JsonElement spec, MessageDefinition def, VersionRange valid, List<string> problems)
    {
        foreach (var newer in SpecDifferences.NewerVersions.Where(n => n.Message == def.ClassName))
        {
            if (valid.Contains(newer.Version))
            {
                problems.Add($"{def.ClassName} v{newer.Version}: the spec has this version now; remove it from SpecDifferences.NewerVersions");
                continue;
            }

            var expected = Project(SpecFields(spec), spec, newer.SameLayoutAs, problems, def.ClassName);
            var actual = Project(def, def.Fields, newer.Version);
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"{def.ClassName} v{newer.Version}: recorded as the same as v{newer.SameLayoutAs} ({newer.Source}), but its field layout differs.\n  spec v{newer.SameLayoutAs}: {string.Join(" | ", expected)}\n  ours v{newer.Version}: {string.Join(" | ", actual)}");
            }
        }
    }

    private static string SpecDirectoryOrSkip()
    {
        var specDir = FindSpecDirectory();
        if (specDir is null)
        {
            const string message = "Kafka spec folder not found: set KAFKA_SPEC_DIR or put Apache Kafka's message JSON files in ../shared/kafka-spec beside the checkout. "
                + "The conformance check did NOT run.";
            Assert.Skip(message);
        }

        return specDir;
    }

    private static void Rewrite(string folder, string file, string from, string to)
    {
        var path = Path.Combine(folder, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_spec_folder_is_reported_by_name()
    {
        var previous = Environment.GetEnvironmentVariable("KAFKA_SPEC_DIR");
        try
        {
            Environment.SetEnvironmentVariable("KAFKA_SPEC_DIR", "/nonexistent/kafka-spec");
            var e = Assert.Throws<DirectoryNotFoundException>(() => FindSpecDirectory());
            Assert.Contains("/nonexistent/kafka-spec", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KAFKA_SPEC_DIR", previous);
        }
    }

    /// <summary>KAFKA_SPEC_DIR if set (and it must exist), else ../shared/kafka-spec beside the repository, else null.</summary>
    internal static string? FindSpecDirectory()
    {
        var env = Environment.GetEnvironmentVariable("KAFKA_SPEC_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? env : throw new DirectoryNotFoundException($"KAFKA_SPEC_DIR points at {env}, which does not exist");
        }

        var beside = Path.GetFullPath(Path.Combine(Definitions.Root, "..", "shared", "kafka-spec"));
        return Directory.Exists(beside) ? beside : null;
    }

    internal static string StripComments(string json) => CommentLine().Replace(json, "");

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex CommentLine();

    private static void CompareMessage(JsonElement spec, MessageDefinition def, List<string> problems)
    {
        var name = def.ClassName;
        var kind = spec.GetProperty("type").GetString();
        Check(problems, name, "type", kind, def.Kind.ToString().ToLowerInvariant());
        Check(problems, name, "apiKey", spec.TryGetProperty("apiKey", out var k) ? k.GetInt16().ToString() : null, def.ApiKey?.ToString());
        Check(problems, name, "validVersions", ExpectedValidVersions(spec, name), def.ValidVersions.ToString());
        Check(problems, name, "flexibleVersions", Norm(spec, "flexibleVersions"), def.FlexibleVersions.ToString());
        Check(problems, name, "deprecatedVersions", Norm(spec, "deprecatedVersions"), def.DeprecatedVersions?.ToString());
        Check(problems, name, "latestVersionUnstable", ExpectedLatestVersionUnstable(spec, name, problems), def.LatestVersionUnstable ? "true" : "false");
        Check(problems, name, "listeners", spec.TryGetProperty("listeners", out var l) ? string.Join(",", l.EnumerateArray().Select(x => x.GetString())) : "", string.Join(",", def.Listeners));
        CompareFields(SpecFields(spec), def.Fields, name, problems);
        var specCommon = spec.TryGetProperty("commonStructs", out var cs) ? cs.EnumerateArray().ToList() : new List<JsonElement>();
        Check(problems, name, "commonStructs", string.Join(",", specCommon.Select(c => c.GetProperty("name").GetString())), string.Join(",", def.CommonStructs.Select(c => c.Name)));
        foreach (var c in specCommon)
        {
            var ourStruct = def.CommonStructs.FirstOrDefault(x => x.Name == c.GetProperty("name").GetString());
            if (ourStruct is not null)
            {
                Check(problems, $"{name}.{ourStruct.Name}", "versions", Norm(c, "versions"), ourStruct.Versions.ToString());
                CompareFields(c.GetProperty("fields").EnumerateArray().ToList(), ourStruct.Fields, $"{name}.{ourStruct.Name}", problems);
            }
        }
    }

    // The spec's validVersions, reaching up to the newest version recorded in SpecDifferences.NewerVersions.
    private static string ExpectedValidVersions(JsonElement spec, string name)
    {
        var valid = VersionRange.Parse(spec.GetProperty("validVersions").GetString()!);
        return SpecDifferences.NewestBeyondReference(name) is { } newest && newest > valid.High
            ? new VersionRange(valid.Low, newest).ToString()
            : valid.ToString();
    }

    // The spec's latestVersionUnstable, unless SpecDifferences.StableVersions records that Kafka released that version.
    private static string ExpectedLatestVersionUnstable(JsonElement spec, string name, List<string> problems)
    {
        var unstable = spec.TryGetProperty("latestVersionUnstable", out var u) && u.GetBoolean();
        var valid = VersionRange.Parse(spec.GetProperty("validVersions").GetString()!);
        foreach (var stable in SpecDifferences.StableVersions.Where(s => s.Message == name))
        {
            if (!unstable || stable.Version != valid.High)
            {
                problems.Add($"{name} v{stable.Version}: the spec no longer marks it unstable as its newest version; remove it from SpecDifferences.StableVersions");
            }

            unstable = false;
        }

        return unstable ? "true" : "false";
    }

    private static List<JsonElement> SpecFields(JsonElement e)
        => e.TryGetProperty("fields", out var f) ? f.EnumerateArray().ToList() : new List<JsonElement>();

    private static void CompareFields(List<JsonElement> spec, List<FieldDefinition> ours, string path, List<string> problems)
    {
        Check(problems, path, "field names", string.Join(",", spec.Select(s => s.GetProperty("name").GetString())), string.Join(",", ours.Select(f => f.Name)));
        foreach (var (s, f) in spec.Zip(ours))
        {
            var p = $"{path}.{f.Name}";
            if (s.GetProperty("name").GetString() != f.Name)
            {
                continue;
            }

            Check(problems, p, "type", s.GetProperty("type").GetString(), f.Type);
            Check(problems, p, "versions", Norm(s, "versions"), f.Versions.ToString());
            Check(problems, p, "nullableVersions", Norm(s, "nullableVersions") ?? "none", f.NullableVersions.ToString());
            Check(problems, p, "taggedVersions", Norm(s, "taggedVersions") ?? "none", f.TaggedVersions.ToString());
            Check(problems, p, "tag", s.TryGetProperty("tag", out var t) ? TagOf(t) : null, f.Tag?.ToString());
            Check(problems, p, "flexibleVersions", Norm(s, "flexibleVersions"), f.FlexibleVersions?.ToString());
            Check(problems, p, "ignorable", s.TryGetProperty("ignorable", out var ig) && ig.GetBoolean() ? "true" : "false", f.Ignorable ? "true" : "false");
            Check(problems, p, "default", s.TryGetProperty("default", out var d) ? (d.ValueKind == JsonValueKind.String ? d.GetString()!.Trim() : d.ToString().ToLowerInvariant()) : null, f.Default);
            CompareFields(SpecFields(s), f.Fields, p, problems);
        }
    }

    /// <summary>The fields present at <paramref name="version"/>, flattened in order, as "path:type:nullable:tag" strings.</summary>
    private static List<string> Project(List<JsonElement> fields, JsonElement message, short version, List<string> problems, string name)
    {
        var result = new List<string>();
        var common = message.TryGetProperty("commonStructs", out var cs)
            ? cs.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => SpecFields(c))
            : new Dictionary<string, List<JsonElement>>();
        Walk(fields, "", 0);
        return result;

        void Walk(List<JsonElement> fs, string prefix, int depth)
        {
            foreach (var f in fs)
            {
                if (!VersionRange.Parse(f.GetProperty("versions").GetString()!).Contains(version))
                {
                    continue;
                }

                var type = f.GetProperty("type").GetString()!;
                var nullable = f.TryGetProperty("nullableVersions", out var n) && VersionRange.Parse(n.GetString()!).Contains(version);
                var tag = f.TryGetProperty("taggedVersions", out var tv) && VersionRange.Parse(tv.GetString()!).Contains(version) ? TagOf(f.GetProperty("tag")) : "-";
                var fname = prefix + f.GetProperty("name").GetString();
                result.Add($"{fname}:{type}:{(nullable ? "null" : "nonnull")}:{tag}");
                var children = SpecFields(f);
                var element = type.StartsWith("[]") ? type[2..] : type;
                if (children.Count == 0 && common.TryGetValue(element, out var c))
                {
                    children = c;
                }

                if (depth > 16)
                {
                    problems.Add($"{name}: struct nesting too deep at {fname}");
                    return;
                }

                Walk(children, fname + ".", depth + 1);
            }
        }
    }

    private static List<string> Project(MessageDefinition def, List<FieldDefinition> fields, short version)
    {
        var result = new List<string>();
        Walk(fields, "", 0);
        return result;

        void Walk(List<FieldDefinition> fs, string prefix, int depth)
        {
            foreach (var f in fs)
            {
                if (!f.Versions.Contains(version))
                {
                    continue;
                }

                var nullable = f.NullableVersions.Contains(version);
                var tag = f.TaggedVersions.Contains(version) ? f.Tag!.Value.ToString() : "-";
                var fname = prefix + f.Name;
                result.Add($"{fname}:{f.Type}:{(nullable ? "null" : "nonnull")}:{tag}");
                var children = f.Fields.Count > 0 ? f.Fields : def.CommonStructs.FirstOrDefault(c => c.Name == f.ElementType)?.Fields ?? new List<FieldDefinition>();
                if (depth <= 16)
                {
                    Walk(children, fname + ".", depth + 1);
                }
            }
        }
    }

    /// <summary>Kafka writes tags as numbers and, in a few files, as strings.</summary>
    private static string TagOf(JsonElement tag)
        => tag.ValueKind == JsonValueKind.Number ? tag.GetInt32().ToString() : int.Parse(tag.GetString()!).ToString();

    private static string? Norm(JsonElement e, string property)
        => e.TryGetProperty(property, out var v) ? VersionRange.Parse(v.GetString()!).ToString() : null;

    private static void Check(List<string> problems, string path, string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            problems.Add($"{path}: {what} is '{actual ?? "(none)"}' but the spec says '{expected ?? "(none)"}'");
        }
    }
}
