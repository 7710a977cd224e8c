using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Documents;
using RxKafka.IntegrationTests.Packaging;

using RxKafka.NotebookRunner;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>
/// Every notebook of samples/notebooks, run cell by cell in Polyglot's own C# kernel (tests/RxKafka.NotebookRunner,
/// in a process of its own) against the packages of the <see cref="LocalFeed"/>, so a notebook that
/// stops working against this commit fails CI. The executed copies, with their outputs, are written to
/// artifacts/notebooks/ in the test's output folder.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed partial class NotebookTests(LocalFeed feed, ITestOutputHelper output)
{
    /// <summary>The notebooks, copied by the test project to notebooks/ in its output folder.</summary>
    public static TheoryData<string> Notebooks =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "notebooks"), "*.ipynb").Select(path => Path.GetFileName(path)!).Order()];

    /// <summary>Where the executed copies go.</summary>
    public static string ExecutedDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts", "notebooks");

    // The runner's own cell timeouts (8 minutes for a cell that restores packages, 2 for the others) end a hang first.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(14);

    /// <summary>The runner, built beside its project: tests/RxKafka.NotebookRunner/bin/&lt;configuration&gt;/net10.0/.</summary>
    private static string NotebookRunnerPath
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = framework.Parent!.Name;
            return Path.Combine(LocalFeed.RepositoryRoot, "tests", "RxKafka.NotebookRunner", "bin", configuration, framework.Name, "RxKafka.NotebookRunner.dll");
        }
    }

    /// <summary>What each notebook's <c>summary</c> variable must say once it has run: that its queries saw what it made happen.</summary>
    private static readonly Dictionary<string, string> Expectations = new()
    {
        ["cluster-changes.ipynb"] = """
            summary.LeaderMovesByTopic.GetValueOrDefault("orders") >= 3 && summary.LeaderMovesByTopic.GetValueOrDefault("audit") >= 1
            && summary.BrokersGone.Contains(2) && summary.NewTopics.Contains("payments") && summary.Changes >= 6
            """,
        ["consuming.ipynb"] = """
            summary.Orders == 40 && summary.Customers == 4 && summary.ByMinute == 40 && summary.LiveCounted == 30 && summary.Pulled == 5
            && summary.PartitionsInOrder && summary.GroupRead == 70 && summary.GroupDistinct == 70 && summary.TakenOver == 3
            """,
        ["producing.ipynb"] = "summary.Delivered > 0 && summary.Failed == 0",
        ["testing-in-virtual-time.ipynb"] = """
            summary.LeaderMoveTick == TimeSpan.FromMinutes(5).Ticks + 1 && summary.Batches == 1 && summary.Acknowledged.SequenceEqual(new long[] { 0, 1, 2 })
            """,
    };

    [Fact]
    public void There_are_the_four_notebooks_the_README_describes()
    {
        Assert.Equal(["cluster-changes.ipynb", "consuming.ipynb", "producing.ipynb", "testing-in-virtual-time.ipynb"], Notebooks.Select(row => row.Data));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_notebook_is_a_Polyglot_CSharp_notebook_saved_without_outputs_that_pins_its_packages(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "notebooks", name);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(".net-csharp", json.RootElement.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            // Outputs come from running it; committed ones would go stale.
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        }

        var document = NotebookDocuments.Read(path);
        Assert.Contains(document.Elements, cell => cell.KernelName == "markdown");
        Assert.All(document.Elements.Where(cell => cell.KernelName != "markdown"), cell => Assert.Equal("csharp", cell.KernelName));
        var packages = document.Elements.SelectMany(cell => PackageReference().Matches(cell.Contents)).ToList();
        Assert.Contains(packages, p => p.Groups["id"].Value == "RxKafka.Testing");
        // Every package has its version, and the RxKafka ones all the same: the one the test swaps for the feed's.
        Assert.All(packages, p => Assert.True(p.Groups["version"].Success, $"{name}: {p.Value} names no version"));
        Assert.Single(packages.Where(IsRxKafka).Select(p => p.Groups["version"].Value).Distinct());
    }

    [Theory(Timeout = 900_000)]
    [MemberData(nameof(Notebooks))]
    public void A_notebook_runs_cell_by_cell_in_the_Polyglot_CSharp_kernel_against_the_local_feed(string name)
    {
        var document = NotebookDocuments.Read(Path.Combine(AppContext.BaseDirectory, "notebooks", name));
        ForLocalFeed(document);
        var prepared = Path.Combine(feed.Root, "notebooks", name);
        NotebookDocuments.Write(document, prepared);
        var executed = Path.Combine(ExecutedDirectory, name);
        const string location = "typeof(RxKafka.Client.KafkaClient).Assembly.Location";

        var clock = Stopwatch.StartNew();
        var run = LocalFeed.Dotnet(feed.Root, RunTimeout, null, NotebookRunnerPath, prepared, executed, "summary", Expectations[name], location);

        output.WriteLine(run.Output);
        output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:0.0} s in the kernel's process; executed copy: {executed}");
        Assert.True(run.ExitCode == 0, $"{name} did not run ({run.ExitCode}{(run.TimedOut ? ", timed out" : "")}): "
            + (run.StandardOutput.Split('\n').LastOrDefault(line => line.StartsWith("failed: ", StringComparison.Ordinal)) ?? run.Output));
        Assert.True(File.Exists(executed), $"no executed copy at {executed}");
        Assert.True(Evaluated(run.StandardOutput, Expectations[name]) == "True", $"{name}: {Expectations[name]} does not hold for {Evaluated(run.StandardOutput, "summary")}");
        // The cells ran the packed assemblies of this run, not a copy built beside the tests or an older package.
        Assert.Contains(Path.Combine("rxkafka", feed.Version), Evaluated(run.StandardOutput, location), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Points <paramref name="document"/> at the local feed: the version the notebook pins for the RxKafka
    /// packages becomes the feed's (a new one each run, so no cache holds a stale copy), and
    /// <c>#i "nuget: &lt;feed&gt;"</c> goes in front of the first <c>#r "nuget: ..."</c> line, as a reader
    /// trying a local build would write it. Other packages keep their pinned versions and come from the
    /// machine's configured registry.
    /// </summary>
    private void ForLocalFeed(InteractiveDocument document)
    {
        var restoreCell = -1;
        for (var index = 0; index < document.Elements.Count; index++)
        {
            var cell = document.Elements[index];
            if (cell.KernelName != "csharp" || !PackageReference().IsMatch(cell.Contents))
            {
                continue;
            }

            var contents = PackageReference().Replace(cell.Contents,
                p => IsRxKafka(p) ? $"#r \"nuget: {p.Groups["id"].Value}, {feed.Version}\"" : p.Value);
            if (restoreCell < 0)
            {
                contents = $"#i \"nuget: {feed.FeedDirectory}\"\n" + contents;
                restoreCell = index;
            }

            cell.Contents = contents;
        }

        Assert.True(restoreCell >= 0, "the notebook has no #r \"nuget: ...\" line");
    }

    /// <summary>What the runner printed for <paramref name="expression"/>, or "" when it printed nothing.</summary>
    private static string Evaluated(string runnerOutput, string expression)
    {
        var prefix = $"=> {expression.ReplaceLineEndings(" ")} = ";
        return runnerOutput.Split('\n').FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim() ?? "";
    }

    private static bool IsRxKafka(Match reference) => LocalFeed.PackageIds.Contains(reference.Groups["id"].Value);

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<id>[^,"\s]+)\s*(,\s*(?<version>[^"\s]+))?\s*"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex PackageReference();
}
