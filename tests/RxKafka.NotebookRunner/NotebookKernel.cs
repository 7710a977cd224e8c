using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace RxKafka.NotebookRunner;

/// <summary>The first cell of a notebook that failed: its index among all cells, its first line and the kernel's error.</summary>
internal sealed record FailedCell(string Notebook, int Index, string FirstLine, string Error)
{
    public override string ToString() => $"{Notebook} cell {Index} ({FirstLine}) failed: {Error}";
}

/// <summary>
/// Polyglot's own C# kernel, in this process: a <see cref="CompositeKernel"/> holding a
/// <see cref="CSharpKernel"/> with <c>#r "nuget: ..."</c> (and <c>#i</c> sources) resolved by the kernel's
/// package manager, and the kernel helpers, so <c>display(...)</c> is the kernel's own. It submits a
/// notebook's C# cells in order, as Polyglot's "Run All" does, and records every cell's outputs in
/// the document, which can then be written as an executed .ipynb.
/// </summary>
internal sealed class NotebookKernel : IDisposable
{
    private readonly CompositeKernel _kernel;
    private readonly CSharpKernel _csharp;
    private int _executionCount;

    static NotebookKernel()
    {
        // Tables as HTML, as Polyglot shows them, and as plain text beside them, for the test's log and readers without HTML.
        Formatter.SetPreferredMimeTypesFor(typeof(object), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    public NotebookKernel()
    {
        _csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers();
        _kernel = new CompositeKernel { _csharp };
        _kernel.DefaultKernelName = _csharp.Name;
    }

    /// <summary>
    /// Submits every code cell of <paramref name="document"/> in order and stores its outputs in it. Stops at
    /// the first cell the kernel reports failed (or that outlasts its timeout) and returns it; null when all ran.
    /// </summary>
    public async Task<FailedCell?> RunAsync(string name, InteractiveDocument document, Func<int, TimeSpan> cellTimeout, Action<string> log, CancellationToken cancellationToken)
    {
        for (var index = 0; index < document.Elements.Count; index++)
        {
            var cell = document.Elements[index];
            if (cell.KernelName is "markdown" or "md")
            {
                continue;
            }

            var firstLine = cell.Contents.Split('\n')[0].Trim();
            if (cell.KernelName != _csharp.Name)
            {
                return new FailedCell(name, index, firstLine, $"is a {cell.KernelName} cell; this notebook kernel runs C# only");
            }

            cell.Outputs.Clear();
            cell.ExecutionOrder = ++_executionCount;
            KernelCommandResult result;
            try
            {
                result = await _kernel.SendAsync(new SubmitCode(cell.Contents, _csharp.Name), cancellationToken)
                    .WaitAsync(cellTimeout(index), cancellationToken);
            }
            catch (TimeoutException)
            {
                cell.Outputs.Add(new ErrorElement("TimeoutException", $"did not finish within {cellTimeout(index)}", []));
                return new FailedCell(name, index, firstLine, $"did not finish within {cellTimeout(index)}");
            }

            string? failure = null;
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case ReturnValueProduced value:
                        cell.Outputs.Add(Copy(new ReturnValueElement { ExecutionOrder = cell.ExecutionOrder }, value));
                        log($"[{index}] => {PlainText(value)}");
                        break;
                    case StandardOutputValueProduced stdout:
                        cell.Outputs.Add(new TextElement(text: PlainText(stdout), name: "stdout"));
                        log($"[{index}] {PlainText(stdout).TrimEnd()}");
                        break;
                    case StandardErrorValueProduced stderr:
                        cell.Outputs.Add(new TextElement(text: PlainText(stderr), name: "stderr"));
                        log($"[{index}] stderr: {PlainText(stderr).TrimEnd()}");
                        break;
                    case ErrorProduced error:
                        cell.Outputs.Add(new ErrorElement("Error", error.Message, []));
                        failure ??= error.Message;
                        break;
                    case DisplayedValueProduced shown:
                        cell.Outputs.Add(Copy(new DisplayElement(new Dictionary<string, object>()), shown));
                        log($"[{index}] {PlainText(shown)}");
                        break;
                    case DisplayedValueUpdated updated:
                        // The package installer's progress: the last state replaces the one shown before it.
                        ReplaceDisplayed(cell, updated);
                        break;
                    case CommandFailed failed:
                        cell.Outputs.Add(new ErrorElement(failed.Exception?.GetType().Name ?? "Error", failed.Message, failed.Exception?.StackTrace?.Split('\n') ?? []));
                        failure = failed.Message;
                        break;
                }
            }

            if (failure is not null)
            {
                return new FailedCell(name, index, firstLine, failure);
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="code"/> in the notebook's state, outside the notebook: the test's own look at what it left.</summary>
    public async Task<string> EvaluateAsync(string code, CancellationToken cancellationToken)
    {
        var result = await _kernel.SendAsync(new SubmitCode(code, _csharp.Name), cancellationToken);
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
        {
            throw new InvalidOperationException($"{code}: {failed.Message}");
        }

        return result.Events.OfType<ReturnValueProduced>().Select(PlainText).SingleOrDefault() ?? "";
    }

    public void Dispose() => _kernel.Dispose();

    private static T Copy<T>(T element, DisplayEvent shown) where T : InteractiveDocumentOutputElement
    {
        var data = element switch
        {
            DisplayElement display => display.Data,
            ReturnValueElement value => value.Data,
            _ => throw new ArgumentException(element.GetType().Name, nameof(element)),
        };
        foreach (var formatted in shown.FormattedValues)
        {
            data[formatted.MimeType] = formatted.Value;
        }

        return element;
    }

    private static void ReplaceDisplayed(InteractiveDocumentElement cell, DisplayedValueUpdated updated)
    {
        var last = cell.Outputs.OfType<DisplayElement>().LastOrDefault();
        if (last is null)
        {
            cell.Outputs.Add(last = new DisplayElement(new Dictionary<string, object>()));
        }

        last.Data.Clear();
        Copy(last, updated);
    }

    private static string PlainText(DisplayEvent shown) =>
        shown.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
        ?? shown.FormattedValues.FirstOrDefault()?.Value
        ?? "";
}
