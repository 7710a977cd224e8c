using System.Text.RegularExpressions;

namespace RxKafka.Tests.Docs;

/// <summary>
/// docs/behaviours.md stays true: every behaviour id a test name starts with (in either test project) is
/// a row of its table, and every test class a row names has a test named with that id.
/// </summary>
public sealed partial class BehaviourCatalogueTests
{
    private static readonly string Root = RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory);

    [Fact]
    public void Every_behaviour_id_in_a_test_name_has_a_row_and_every_row_names_classes_that_prove_it()
    {
        var proofs = TestNamesById();
        var rows = CatalogueRows();

        var missing = proofs.Keys.Where(id => !rows.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"docs/behaviours.md has no row for {string.Join(", ", missing)}, which test names use");
        foreach (var (id, classes) in rows)
        {
            foreach (var name in classes)
            {
                Assert.True(
                    proofs.TryGetValue(id, out var proving) && proving.Contains(name),
                    $"docs/behaviours.md names {name} for {id}, but it has no test named {id}_...");
            }
        }
    }

    // id -> the classes with a test method whose name starts with it (P1_P2_P3_... counts for all three).
    private static Dictionary<string, HashSet<string>> TestNamesById()
    {
        var byId = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in TestSourceFiles(Root))
        {
            string? currentClass = null;
            foreach (var line in File.ReadLines(file))
            {
                if (ClassDeclaration().Match(line) is { Success: true } c)
                {
                    currentClass = c.Groups[1].Value;
                }

                if (currentClass is not null && TestMethod().Match(line) is { Success: true } m)
                {
                    foreach (Match id in Id().Matches(m.Groups[1].Value))
                    {
                        (byId.TryGetValue(id.Groups[1].Value, out var set) ? set : byId[id.Groups[1].Value] = new(StringComparer.Ordinal)).Add(currentClass);
                    }
                }
            }
        }

        return byId;
    }

    /// <summary>The C# files under tests/ (both test projects and tests/Shared), build output left out, in a stable order.</summary>
    internal static IEnumerable<string> TestSourceFiles(string root) =>
        Directory.GetFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static Dictionary<string, List<string>> CatalogueRows()
    {
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Root, "docs", "behaviours.md")))
        {
            if (Row().Match(line) is { Success: true } row)
            {
                rows[row.Groups[1].Value] = ClassName().Matches(row.Groups[2].Value).Select(m => m.Groups[1].Value).ToList();
            }
        }

        return rows;
    }

    // A test class is declared at the top level (file-scoped namespaces): nested helper classes are not test classes.
    [GeneratedRegex(@"^(?:public |internal )?(?:sealed |abstract |static |partial )*class (\w+)")]
    private static partial Regex ClassDeclaration();

    // Any capital and digits before an underscore is an id (the naming rule in docs/testing.md), so a
    // typo or a letter the catalogue lacks (X1_) fails here rather than passing as a sentence.
    [GeneratedRegex(@"(?:public|private|internal)\s+(?:async\s+)?(?:Task|void|ValueTask)\s+((?:[A-Z]\d+_)+)")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"([A-Z]\d+)_")]
    private static partial Regex Id();

    [GeneratedRegex(@"^\| ([A-Z]\d+) \| .*? \| (.*) \|$")]
    private static partial Regex Row();

    [GeneratedRegex(@"`(\w+)`")]
    private static partial Regex ClassName();
}
