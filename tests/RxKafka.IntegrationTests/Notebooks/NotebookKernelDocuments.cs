using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>Polyglot's .ipynb reader and writer, for notebooks whose kernel is .NET (C#).</summary>
internal static class NotebookKernelDocuments
{
    private static readonly KernelInfoCollection KernelInfos = [new KernelInfo("csharp", "C#", ["cs", "C#", "c#"])];

    public static InteractiveDocument Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Notebook.Read(stream, KernelInfos);
    }

    public static void Write(InteractiveDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        Notebook.Write(document, stream, KernelInfos);
    }
}
