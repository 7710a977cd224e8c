using RxKafka.MessageGen;
using RxKafka.MessageGen.Errors;

// Usage: dotnet run --project tools/RxKafka.MessageGen [-- --check] [--root DIR]
// Reads src/RxKafka/Protocol/Definitions/*.kdef and writes src/RxKafka/Protocol/Messages/Generated/*.g.cs and
// docs/protocol-coverage.md; reads src/RxKafka/Protocol/*.tsv and writes the ErrorCode enum, the error lookup
// and exception mapping (src/RxKafka/Protocol/*.g.cs) and docs/errors.md.
// With --check nothing is written; the exit code is 1 when the committed files are out of date.
var check = args.Contains("--check");
var rootIndex = Array.IndexOf(args, "--root");
var root = rootIndex >= 0 && rootIndex + 1 < args.Length ? args[rootIndex + 1] : Generator.FindRepositoryRoot(Directory.GetCurrentDirectory());
try
{
    var differences = Generator.Run(root, write: !check);
    differences.AddRange(ErrorGenerator.Run(root, write: !check));
    if (check && differences.Count > 0)
    {
        Console.Error.WriteLine("Generated files are out of date: " + string.Join(", ", differences));
        Console.Error.WriteLine("Run: dotnet run --project tools/RxKafka.MessageGen");
        return 1;
    }

    Console.WriteLine(check ? "Generated files are up to date." : $"Generated files written ({differences.Count} changed).");
    return 0;
}
catch (Exception e) when (e is FormatException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine("rxkafka-messagegen: " + e.Message);
    return 2;
}
