namespace RxKafka.MessageGen;

/// <summary>Runs the generator over a repository checkout.</summary>
public static class Generator
{
    public const string DefinitionsPath = "src/RxKafka/Protocol/Definitions";
    public const string OutputPath = "src/RxKafka/Protocol/Messages/Generated";

    /// <summary>Walks up from <paramref name="start"/> to the folder holding RxKafka.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxKafka.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no RxKafka.sln above {start}");
    }

    /// <summary>Generates all files; returns the names of files that differ from what is on disk (written if <paramref name="write"/>).</summary>
    public static List<string> Run(string root, bool write)
    {
        var defs = DefinitionParser.ParseDirectory(Path.Combine(root, DefinitionsPath));
        var files = CSharpEmitter.GenerateAll(defs);
        var outDir = Path.Combine(root, OutputPath);
        var differences = new List<string>();
        foreach (var (name, text) in files)
        {
            if (GeneratedFile.Sync(Path.Combine(outDir, name), text, write))
            {
                differences.Add(name);
            }
        }

        if (GeneratedFile.Sync(Path.Combine(root, CoverageDoc.OutputPath), CoverageDoc.Generate(defs), write))
        {
            differences.Add(CoverageDoc.OutputPath);
        }

        if (Directory.Exists(outDir))
        {
            foreach (var stale in Directory.GetFiles(outDir, "*.g.cs").Where(p => !files.ContainsKey(Path.GetFileName(p))))
            {
                differences.Add(Path.GetFileName(stale) + " (stale)");
                if (write)
                {
                    File.Delete(stale);
                }
            }
        }

        return differences;
    }
}
