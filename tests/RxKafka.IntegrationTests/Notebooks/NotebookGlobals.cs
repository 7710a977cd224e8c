namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>Something a cell displayed: through <c>display(...)</c>, or as the value of its last expression.</summary>
/// <param name="Cell">The cell's number in the notebook.</param>
/// <param name="Value">What was displayed.</param>
/// <param name="Text">How it reads as text (tables for collections and objects).</param>
public sealed record DisplayedValue(int Cell, object? Value, string Text);

/// <summary>
/// What a Polyglot C# cell sees besides its own code: the kernel's <c>display</c> helper. The cells are
/// compiled with this as the script's globals, so they call <c>display(x)</c> unchanged; what they
/// display is kept and written out as text.
/// </summary>
/// <remarks>Only <c>display</c> is public: every public member would be a name in the cells' scope.</remarks>
public sealed class NotebookGlobals
{
    private readonly List<DisplayedValue> _displayed = [];
    private readonly Action<string> _write;

    internal NotebookGlobals(Action<string> write) => _write = write;

    /// <summary>The cell running now (set by the runner before each cell).</summary>
    internal int CurrentCell { get; set; }

    internal IReadOnlyList<DisplayedValue> Displayed
    {
        get
        {
            lock (_displayed)
            {
                return _displayed.ToArray();
            }
        }
    }

    /// <summary>
    /// Polyglot's <c>display(value, mimeTypes)</c>: shows <paramref name="value"/> in the cell's output.
    /// Here it is rendered as text (a collection as a table) and recorded; MIME types are ignored.
    /// </summary>
    public void display(object? value, params string[] mimeTypes)
    {
        var shown = new DisplayedValue(CurrentCell, value, TextDisplay.Render(value));
        lock (_displayed)
        {
            _displayed.Add(shown);
        }

        _write($"[cell {shown.Cell}] display:{Environment.NewLine}{shown.Text}");
    }
}
