namespace RxKafka.MessageGen.Errors;

/// <summary>Runs the error generator over a repository checkout: the table becomes C# and docs/errors.md.</summary>
public static class ErrorGenerator
{
    /// <summary>Generates every file; returns the repository-relative paths that differ from what is on disk (written if <paramref name="write"/>).</summary>
    /// <exception cref="FormatException">The table is malformed or breaks one of its rules.</exception>
    public static List<string> Run(string root, bool write)
    {
        var table = ErrorTable.Load(root);
        var files = ErrorEmitter.GenerateAll(table);
        files[ErrorDoc.OutputPath] = ErrorDoc.Generate(table);
        return files.Where(f => GeneratedFile.Sync(Path.Combine(root, f.Key), f.Value, write)).Select(f => f.Key).ToList();
    }
}
