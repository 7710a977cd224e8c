using RxKafka.Client;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RxKafka.Tests.Docs;

/// <summary>
/// One test-naming style (docs/testing.md): <c>[Id_]Sentence_in_snake_case</c>. Every [Fact] and [Theory]
/// under tests/ (both test projects and tests/Shared, read from source so nothing depends on what was
/// built) is checked. Which ids exist is BehaviourCatalogueTests' job: here an id is only a prefix to skip.
/// </summary>
public sealed partial class TestNamingTests
{
    private static readonly string Root = RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory);

    // Names from outside this code that tests compare against: proper nouns, and Java's own class, test and
    // method names where a test proves we do what Java's client does.
    private static readonly HashSet<string> OtherNames = new(StringComparer.Ordinal)
    {
        "Kafka", "Java", "Kerberos", "Polyglot", "Confluent",
        "UtilsTest", "testMurmur2", "getMostSignificantBits", "fromString",
        "IntegerSerializer", "LongSerializer", "ShortSerializer", "DoubleSerializer", "FloatSerializer",
        "StringSerializer", "UUIDSerializer",
    };

    private static readonly Lazy<(List<(string File, string Name)> Tests, HashSet<string> Declared)> Sources = new(ReadTestSources);

    private static readonly Lazy<HashSet<string>> CodeNames = new(() =>
    {
        var names = new HashSet<string>(OtherNames, StringComparer.Ordinal);
        names.UnionWith(Sources.Value.Declared);
        names.UnionWith(NamesInAssemblies());
        return names;
    });

    [Fact]
    public void Every_test_name_is_a_sentence_in_snake_case_after_its_behaviour_ids()
    {
        var tests = Sources.Value.Tests;
        var offenders = tests
            .Select(t => (t.File, t.Name, Problem: Problem(t.Name, CodeNames.Value)))
            .Where(t => t.Problem is not null)
            .Select(t => $"{t.File}: {t.Name}: {t.Problem}")
            .ToList();

        Assert.True(tests.Count > 500, $"found only {tests.Count} tests under tests/: is the scan still right?");
        Assert.True(
            offenders.Count == 0,
            $"{offenders.Count} test names do not follow docs/testing.md ([Id_]Sentence_in_snake_case):{Environment.NewLine}"
            + string.Join(Environment.NewLine, offenders));
    }

    [Theory]
    [InlineData("C5_pipelined_requests_are_answered_in_order_with_their_own_responses")]
    [InlineData("A_missing_file_names_the_setting_and_the_path")]
    [InlineData("C12_S2_socket_options_are_set_on_the_socket")]
    [InlineData("TLS_refuses_the_untrusted_certificate")]
    [InlineData("Idempotence_OUT_OF_ORDER_SEQUENCE_for_the_next_batch_bumps_the_epoch")]
    [InlineData("M4_a_leader_move_shows_up_as_one_LeaderChanged")]
    [InlineData("Defaults_are_the_Java_clients")]
    [InlineData("A_frame_claiming_2_GB_is_refused")]
    [InlineData("M3_Dispose_completes_every_stream")]
    public void The_rule_accepts_sentences_with_acronyms_and_names_from_code(string name)
    {
        Assert.Null(Problem(name, CodeNames.Value));
    }

    [Theory]
    [InlineData("C1_DisposeClosesTheConnectionAndCompletesThePipes", "one word")]
    [InlineData("AssertEqual_OnMismatch_ThrowsWithBothLists", "is not")]
    [InlineData("a_lower_case_start", "starts")]
    [InlineData("C1_Dispose_Closes_The_Connection", "is not")]
    [InlineData("C5_requests_Are_answered_in_order", "is not")]
    [InlineData("Int16", "one word")]
    [InlineData("C5_", "one word")]
    [InlineData("Two__underscores", "one underscore")]
    public void The_rule_rejects_PascalCase_sentences_lower_case_starts_and_single_words(string name, string problem)
    {
        Assert.Contains(problem, Problem(name, CodeNames.Value) ?? "accepted", StringComparison.Ordinal);
    }

    /// <summary>Why <paramref name="name"/> breaks the style, or null when it follows it.</summary>
    private static string? Problem(string name, HashSet<string> codeNames)
    {
        var words = name.Split('_');
        var start = 0;
        while (start < words.Length && BehaviourId().IsMatch(words[start]))
        {
            start++;
        }

        words = words[start..];
        if (words.Length < 2)
        {
            return "is one word, not a sentence";
        }

        if (words.Any(w => w.Length == 0))
        {
            return "words are separated by one underscore";
        }

        // The name starts with a capital: its id, or else the sentence's first word.
        var capitalFirst = start == 0;
        if (capitalFirst && !char.IsUpper(words[0][0]))
        {
            return $"starts with '{words[0]}': a name without an id starts with a capital";
        }

        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            var plain = i == 0 && capitalFirst ? CapitalizedWord().IsMatch(word) : LowerCaseWord().IsMatch(word);
            if (!plain && !Acronym().IsMatch(word) && !codeNames.Contains(word))
            {
                return $"'{word}' is not a lower-case word, an acronym or a name from code";
            }
        }

        return null;
    }

    private static (List<(string File, string Name)> Tests, HashSet<string> Declared) ReadTestSources()
    {
        var tests = new List<(string, string)>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in BehaviourCatalogueTests.TestSourceFiles(Root))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                if (node is MethodDeclarationSyntax test && test.AttributeLists.SelectMany(l => l.Attributes).Any(IsTestAttribute))
                {
                    tests.Add((Path.GetRelativePath(Root, file), test.Identifier.ValueText));
                    continue;
                }

                SyntaxToken? name = node switch
                {
                    MethodDeclarationSyntax method => method.Identifier,
                    BaseTypeDeclarationSyntax type => type.Identifier,
                    PropertyDeclarationSyntax property => property.Identifier,
                    VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } field => field.Identifier,
                    EnumMemberDeclarationSyntax member => member.Identifier,
                    LocalFunctionStatementSyntax function => function.Identifier,
                    _ => null,
                };
                if (name is { } token)
                {
                    declared.Add(token.ValueText);
                }
            }
        }

        return (tests, declared);
    }

    private static bool IsTestAttribute(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name is "Fact" or "Theory" or "FactAttribute" or "TheoryAttribute";
    }

    // Types, namespaces and members of the library, the test kit, this assembly and everything they reference
    // (the BCL, Rx, xUnit): a test may name any of them (LeaderChanged, SendAsync, ObjectDisposedException).
    private static HashSet<string> NamesInAssemblies()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([typeof(KafkaClient).Assembly, typeof(TestNamingTests).Assembly, typeof(object).Assembly]);
        while (queue.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.FullName ?? assembly.GetName().Name ?? ""))
            {
                continue;
            }

            var ours = assembly.GetName().Name?.StartsWith("RxKafka", StringComparison.Ordinal) == true;
            foreach (var type in LoadableTypes(assembly))
            {
                if (!ours && !type.IsVisible)
                {
                    continue;
                }

                names.Add(Arity().Replace(type.Name, ""));
                names.UnionWith((type.Namespace ?? "").Split('.'));
                var flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly
                    | (ours ? BindingFlags.NonPublic : 0);
                foreach (var member in type.GetMembers(flags))
                {
                    names.Add(member.Name);
                }
            }

            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                try
                {
                    queue.Enqueue(Assembly.Load(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference the runtime cannot load here names nothing a test uses.
                }
            }
        }

        return names;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    [GeneratedRegex(@"^[A-Z]\d+$")]
    private static partial Regex BehaviourId();

    [GeneratedRegex(@"^[A-Z][a-z0-9]*$")]
    private static partial Regex CapitalizedWord();

    [GeneratedRegex(@"^[a-z0-9]+$")]
    private static partial Regex LowerCaseWord();

    // TLS, CRC32C, UTF8, KIP320, and Kafka's error names split into words (NOT_LEADER_OR_FOLLOWER).
    [GeneratedRegex(@"^(?=.*[A-Z])[A-Z0-9]+$")]
    private static partial Regex Acronym();

    [GeneratedRegex(@"`\d+$")]
    private static partial Regex Arity();
}
