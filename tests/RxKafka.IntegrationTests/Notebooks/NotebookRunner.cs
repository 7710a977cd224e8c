using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>A notebook cell that did not compile, threw, or did not finish.</summary>
internal sealed class NotebookCellException(PolyglotNotebook notebook, NotebookCell cell, string what, Exception? inner = null)
    : Exception($"{notebook.Name} cell {cell.Number} ({cell.FirstLine}) {what}", inner);

/// <summary>The end of a notebook run: the script state after the last cell, and everything displayed.</summary>
internal sealed record NotebookRun(ScriptState<object> State, IReadOnlyList<DisplayedValue> Displayed)
{
    /// <summary>The value of a top-level variable the cells declared (the last one of that name).</summary>
    public object? GetVariable(string name) =>
        State.GetVariable(name) is { } variable ? variable.Value : throw new KeyNotFoundException($"the notebook declares no variable '{name}'");
}

/// <summary>
/// Runs a Polyglot notebook's C# cells in order, in one Roslyn script state, as Polyglot's C# kernel
/// would: the same default imports, the whole shared framework referenced, <c>display</c> from the
/// globals, and a cell's last expression displayed. <c>#r "nuget: X"</c> lines are taken out of the
/// code and resolved to the assemblies built beside the tests, so a notebook written for the
/// published packages runs against this commit's code.
/// </summary>
internal static partial class NotebookRunner
{
    /// <summary>What Polyglot's C# kernel imports into every cell.</summary>
    public static readonly IReadOnlyList<string> DefaultImports =
        ["System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    /// <summary>The packages a notebook may load, and the assembly of each in the test's output folder.</summary>
    public static readonly IReadOnlyDictionary<string, string> PackageAssemblies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["RxKafka"] = "RxKafka.dll",
        ["RxKafka.Testing"] = "RxKafka.Testing.dll",
        ["System.Reactive"] = "System.Reactive.dll",
    };

    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs every code cell; a cell that fails to compile, throws or outlasts <paramref name="cellTimeout"/> ends the run.</summary>
    /// <exception cref="NotebookCellException">A cell failed; the message names it. The variables of the cells run so far are disposed first.</exception>
    public static async Task<NotebookRun> RunAsync(PolyglotNotebook notebook, NotebookGlobals globals, TimeSpan cellTimeout, CancellationToken cancellationToken)
    {
        var options = ScriptOptions.Default
            .WithReferences(FrameworkReferences())
            .WithImports(DefaultImports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8);
        ScriptState<object>? state = null;
        foreach (var cell in notebook.CodeCells)
        {
            // Polyglot starts each cell from its kernel's scheduler, never on the thread that finished the
            // previous one (after awaiting a cluster change, that can be the client's metadata thread).
            await Task.Yield();
            globals.CurrentCell = cell.Number;
            ScriptState<object> next;
            try
            {
                if (cell.Language != "csharp")
                {
                    throw new NotebookCellException(notebook, cell, $"is a {cell.Language} cell; only C# cells can run here");
                }

                var (code, packages) = TakePackageReferences(notebook, cell);
                // Line numbers in diagnostics and stack traces point into the cell.
                options = options.AddReferences(packages).WithFilePath($"{notebook.Name} cell {cell.Number}");
                // Exceptions are caught into the state, so the variables of the failed cell can be disposed too.
                var run = state is null
                    ? CSharpScript.Create(code, options, typeof(NotebookGlobals)).RunAsync(globals, _ => true, cancellationToken)
                    : state.ContinueWithAsync(code, options, _ => true, cancellationToken);
                next = await run.WaitAsync(cellTimeout, cancellationToken);
            }
            catch (Exception e)
            {
                await DisposeVariablesAsync(state);
                if (e is CompilationErrorException compile)
                {
                    throw new NotebookCellException(notebook, cell, "does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, compile.Diagnostics));
                }

                if (e is TimeoutException)
                {
                    throw new NotebookCellException(notebook, cell, $"did not finish within {cellTimeout.TotalSeconds:0} s", e);
                }

                throw;
            }

            if (next.Exception is { } thrown)
            {
                await DisposeVariablesAsync(next);
                throw new NotebookCellException(notebook, cell, $"threw {thrown.GetType().Name}: {thrown.Message}", thrown);
            }

            state = next;
            // Polyglot shows the value of a cell's last expression (one without a semicolon).
            if (state.ReturnValue is { } value)
            {
                globals.display(value);
            }
        }

        if (state is null)
        {
            throw new InvalidDataException($"{notebook.Name} has no code cells");
        }

        return new NotebookRun(state, globals.Displayed);
    }

    /// <summary>
    /// The cell's code with its <c>#r "nuget: ..."</c> lines blanked (so line numbers stay), and the
    /// assemblies those lines name.
    /// </summary>
    private static (string Code, IReadOnlyList<MetadataReference> References) TakePackageReferences(PolyglotNotebook notebook, NotebookCell cell)
    {
        var references = new List<MetadataReference>();
        var code = NuGetReference().Replace(cell.Source, match =>
        {
            var package = match.Groups["package"].Value.Trim();
            if (!PackageAssemblies.TryGetValue(package, out var assembly))
            {
                throw new NotebookCellException(notebook, cell,
                    $"loads the package '{package}', which the notebook test cannot resolve: it maps only {string.Join(", ", PackageAssemblies.Keys)} "
                    + "to assemblies built beside the tests. Reference the package from the integration test project and add it to NotebookRunner.PackageAssemblies.");
            }

            var path = Path.Combine(AppContext.BaseDirectory, assembly);
            if (!File.Exists(path))
            {
                throw new NotebookCellException(notebook, cell, $"loads '{package}', but {path} is missing: build the integration test project");
            }

            references.Add(MetadataReference.CreateFromFile(path));
            return "";
        });
        return (code, references);
    }

    // Polyglot's C# kernel references the whole shared framework; so does this.
    private static IEnumerable<MetadataReference> FrameworkReferences()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location);
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path));
    }

    /// <summary>After a failed cell: disposes what the cells made (clusters, clients, subscriptions), newest first.</summary>
    private static async Task DisposeVariablesAsync(ScriptState<object>? state)
    {
        foreach (var value in state?.Variables.Reverse().Select(v => v.Value).Distinct(ReferenceEqualityComparer.Instance) ?? [])
        {
            try
            {
                switch (value)
                {
                    case Task:
                        break;
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().AsTask().WaitAsync(CleanupTimeout);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception)
            {
                // Best effort: the cell's failure is what the test reports.
            }
        }
    }

    [GeneratedRegex("""^[ \t]*#r[ \t]+"nuget:[ \t]*(?<package>[^,"]+)[^"]*"[ \t]*\r?$""", RegexOptions.Multiline)]
    private static partial Regex NuGetReference();
}
