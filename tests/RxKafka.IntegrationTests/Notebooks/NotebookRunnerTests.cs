using System.Text.Json;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>The notebook runner on small notebooks written here: what a failing cell reports, what display records.</summary>
public sealed class NotebookRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rxkafka-notebook-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Cells_share_one_state_and_display_like_Polyglot()
    {
        var notebook = Write(
            "#r \"nuget: System.Reactive\"\nusing System.Reactive.Linq;",
            "var squares = Enumerable.Range(1, 3).Select(i => new { Number = i, Square = i * i }).ToList();",
            "display(squares);\nawait Observable.Return(42)");

        var run = await RunAsync(notebook);

        Assert.Collection(
            run.Displayed,
            table =>
            {
                Assert.Equal(4, table.Cell);
                Assert.Equal(["Number | Square", "-------+-------", "1      | 1", "2      | 4", "3      | 9"], table.Text.Split(Environment.NewLine));
            },
            // The last expression of a cell is displayed, as Polyglot shows it.
            last => Assert.Equal((4, "42"), (last.Cell, last.Text)));
    }

    [Fact]
    public async Task A_cell_that_throws_is_named_by_number_and_first_line_and_earlier_variables_are_disposed()
    {
        // The cells hand the stream out through the AppContext, so the test can see it disposed.
        var key = "rxkafka-notebook-test-" + Guid.NewGuid();
        var notebook = Write(
            $"var stream = new System.IO.MemoryStream();\nAppContext.SetData(\"{key}\", stream);",
            "\n// fails\nstream.WriteByte(1);\nthrow new InvalidOperationException(\"boom\");");

        var failure = await Assert.ThrowsAsync<NotebookCellException>(() => RunAsync(notebook));

        Assert.StartsWith("test.ipynb cell 3 (// fails) threw InvalidOperationException: boom", failure.Message);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.False(Assert.IsType<MemoryStream>(AppContext.GetData(key)).CanWrite, "the notebook's stream was not disposed");
    }

    [Fact]
    public async Task A_cell_that_does_not_compile_is_reported_with_the_compiler_errors()
    {
        var notebook = Write("int x = \"text\";");

        var failure = await Assert.ThrowsAsync<NotebookCellException>(() => RunAsync(notebook));

        Assert.Contains("test.ipynb cell 2 (int x = \"text\";) does not compile", failure.Message);
        Assert.Contains("CS0029", failure.Message);
    }

    [Fact]
    public async Task A_package_the_test_cannot_resolve_fails_with_what_to_do()
    {
        var notebook = Write("#r \"nuget: Newtonsoft.Json, 13.0.3\"");

        var failure = await Assert.ThrowsAsync<NotebookCellException>(() => RunAsync(notebook));

        Assert.Contains("cell 2 (#r \"nuget: Newtonsoft.Json, 13.0.3\") loads the package 'Newtonsoft.Json'", failure.Message);
        Assert.Contains("NotebookRunner.PackageAssemblies", failure.Message);
    }

    private static Task<NotebookRun> RunAsync(PolyglotNotebook notebook) =>
        NotebookRunner.RunAsync(notebook, new NotebookGlobals(_ => { }), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    // A markdown cell, then one C# cell per source, as Polyglot saves them.
    private PolyglotNotebook Write(params string[] sources)
    {
        var cells = new List<object> { new { cell_type = "markdown", metadata = new { }, source = new[] { "# test" } } };
        cells.AddRange(sources.Select(source => new
        {
            cell_type = "code",
            execution_count = (int?)null,
            metadata = new { dotnet_interactive = new { language = "csharp" } },
            outputs = Array.Empty<object>(),
            source,
        }));
        var path = Path.Combine(_directory, "test.ipynb");
        File.WriteAllText(path, JsonSerializer.Serialize(new { cells, metadata = new { }, nbformat = 4, nbformat_minor = 2 }));
        return PolyglotNotebook.Load(path);
    }
}
