using System.Text.Json;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>One cell of a notebook.</summary>
/// <param name="Number">Its position among all the notebook's cells, from 1, as an editor counts them.</param>
/// <param name="Kind">"code", "markdown" or "raw" (nbformat's cell_type).</param>
/// <param name="Language">For a code cell, the kernel it runs in ("csharp", "fsharp", ...); null otherwise.</param>
/// <param name="Source">The cell's text.</param>
internal sealed record NotebookCell(int Number, string Kind, string? Language, string Source)
{
    /// <summary>The first line with anything on it, to name the cell in messages.</summary>
    public string FirstLine => Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(empty cell)";
}

/// <summary>
/// A Polyglot (.NET Interactive) notebook read from its .ipynb file: nbformat 4 JSON whose code cells
/// name their kernel in <c>metadata.dotnet_interactive.language</c> (or <c>metadata.polyglot_notebook.kernelName</c>),
/// falling back to the notebook's default kernel.
/// </summary>
internal sealed class PolyglotNotebook
{
    private PolyglotNotebook(string path, JsonElement root, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Root = root;
        Cells = cells;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The whole document, for checks of its metadata.</summary>
    public JsonElement Root { get; }

    public IReadOnlyList<NotebookCell> Cells { get; }

    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.Kind == "code");

    /// <exception cref="InvalidDataException">The file is not nbformat 4 JSON with a cells array.</exception>
    public static PolyglotNotebook Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement.Clone();
        if (!root.TryGetProperty("nbformat", out var format) || format.GetInt32() != 4)
        {
            throw new InvalidDataException($"{path} is not an nbformat 4 notebook");
        }

        if (!root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path} has no cells array");
        }

        var defaultKernel = TryGetPath(root, "metadata", "polyglot_notebook", "kernelInfo", "defaultKernelName")?.GetString() ?? "csharp";
        var list = new List<NotebookCell>();
        foreach (var cell in cells.EnumerateArray())
        {
            var kind = cell.GetProperty("cell_type").GetString() ?? "";
            var language = kind != "code"
                ? null
                : (TryGetPath(cell, "metadata", "dotnet_interactive", "language") ?? TryGetPath(cell, "metadata", "polyglot_notebook", "kernelName"))?.GetString() ?? defaultKernel;
            list.Add(new NotebookCell(list.Count + 1, kind, language, ReadSource(cell.GetProperty("source"))));
        }

        return new PolyglotNotebook(path, root, list);
    }

    /// <summary>The value at a path of property names, or null where one is missing.</summary>
    public static JsonElement? TryGetPath(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }

    // nbformat allows a string or a list of lines that keep their own "\n".
    private static string ReadSource(JsonElement source) =>
        source.ValueKind == JsonValueKind.Array
            ? string.Concat(source.EnumerateArray().Select(line => line.GetString()))
            : source.GetString() ?? "";
}
