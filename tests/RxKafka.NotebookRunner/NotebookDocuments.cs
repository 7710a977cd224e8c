using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace RxKafka.NotebookRunner;

/// <summary>
/// Polyglot's .ipynb reader and writer, for notebooks whose kernel is .NET (C#). The runner reads and
/// writes notebooks with it, and the notebook tests (which link this file) prepare them with it.
/// </summary>
internal static class NotebookDocuments
{
    // The kernels a .NET (C#) Polyglot notebook names.
    private static readonly KernelInfoCollection KernelInfos = [new KernelInfo("csharp", "C#", ["cs", "C#", "c#"])];

    /// <summary>Reads an .ipynb as Polyglot does.</summary>
    public static InteractiveDocument Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Notebook.Read(stream, KernelInfos);
    }

    /// <summary>Writes <paramref name="document"/> (with whatever outputs its cells hold) as an .ipynb.</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        Notebook.Write(document, stream, KernelInfos);
    }
}
