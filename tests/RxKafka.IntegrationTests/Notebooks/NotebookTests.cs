using System.Text.Json;
using RxKafka.IntegrationTests.Support;
using RxKafka.Testing.MockCluster;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>
/// The notebooks of samples/notebooks, run cell by cell as Polyglot's C# kernel would (see
/// <see cref="NotebookRunner"/>), so a notebook that stops compiling or working against this commit fails CI.
/// </summary>
public sealed class NotebookTests(ITestOutputHelper output)
{
    private const string ClusterChanges = "cluster-changes.ipynb";

    // Every wait in the notebook has its own 20 s timeout; this only catches a cell that hangs outside one.
    private static readonly TimeSpan CellTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Cluster_changes_is_a_Polyglot_CSharp_notebook_saved_without_outputs()
    {
        var notebook = Load(ClusterChanges);

        Assert.Equal(".net-csharp", PolyglotNotebook.TryGetPath(notebook.Root, "metadata", "kernelspec", "name")?.GetString());
        Assert.Contains(notebook.Cells, cell => cell.Kind == "markdown");
        Assert.All(notebook.CodeCells, cell => Assert.Equal("csharp", cell.Language));
        foreach (var cell in notebook.Root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            // Outputs come from running it; committed ones would go stale.
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        }

        // What a user with the published packages writes.
        var packages = notebook.CodeCells.SelectMany(c => c.Source.Split('\n')).Where(l => l.StartsWith("#r ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["#r \"nuget: RxKafka\"", "#r \"nuget: RxKafka.Testing\"", "#r \"nuget: System.Reactive\""], packages);
    }

    [Fact(Timeout = 300_000)]
    public async Task Cluster_changes_runs_and_its_queries_see_what_it_made_happen()
    {
        Prerequisites.RequireLibrary(MockBuild.Redist2151);
        var notebook = Load(ClusterChanges);

        var run = await NotebookRunner.RunAsync(notebook, new NotebookGlobals(output.WriteLine), CellTimeout, TestContext.Current.CancellationToken);

        Assert.NotEmpty(run.Displayed);
        Assert.All(run.Displayed, shown => Assert.False(string.IsNullOrWhiteSpace(shown.Text), $"cell {shown.Cell} displayed nothing readable"));
        // The last partitions table lists the topic the notebook created.
        Assert.Contains(run.Displayed, shown => shown.Text.Contains("payments", StringComparison.Ordinal) && shown.Text.Contains("Isr", StringComparison.Ordinal));

        // The notebook moves every partition of "orders" (3) and one of "audit", takes broker 2 down
        // and creates "payments"; its summary holds what its queries collected.
        var summary = run.GetVariable("summary")!;
        var leaderMoves = Property<Dictionary<string, int>>(summary, "LeaderMovesByTopic");
        Assert.True(leaderMoves.GetValueOrDefault("orders") >= 3, $"leader moves seen: {Describe(leaderMoves)}");
        Assert.True(leaderMoves.GetValueOrDefault("audit") >= 1, $"leader moves seen: {Describe(leaderMoves)}");
        Assert.Contains(2, Property<int[]>(summary, "BrokersGone"));
        Assert.Contains("payments", Property<string[]>(summary, "NewTopics"));
        Assert.True(Property<int>(summary, "Changes") >= 6);
    }

    private static PolyglotNotebook Load(string name) =>
        // The test project copies samples/notebooks/*.ipynb to notebooks/ in its output folder.
        PolyglotNotebook.Load(Path.Combine(AppContext.BaseDirectory, "notebooks", name));

    // The summary is an anonymous object compiled in the script: read it by name.
    private static T Property<T>(object value, string name) =>
        value.GetType().GetProperty(name)?.GetValue(value) is T typed
            ? typed
            : throw new InvalidOperationException($"the notebook's summary has no {typeof(T).Name} property '{name}'");

    private static string Describe(Dictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
}
