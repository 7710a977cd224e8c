using RxKafka.MessageGen;

// Usage: dotnet run --project tools/RxKafka.MessageGen [-- --check] [--root DIR]
// Reads src/RxKafka/Protocol/Definitions/*.kdef and writes src/RxKafka/Protocol/Messages/Generated/*.g.cs.
// With --check nothing is written; the exit code is 1 when the committed files are out of date.
var check = args.Contains("--check");
var rootIndex = Array.IndexOf(args, "--root");
var root = rootIndex >= 0 && rootIndex + 1 < args.Length ? args[rootIndex + 1] : Generator.FindRepositoryRoot(Directory.GetCurrentDirectory());
try
{
    var differences = Generator.Run(root, write: !check);
    if (check && differences.Count > 0)
    {
        Console.Error.WriteLine("Generated messages are out of date: " + string.Join(", ", differences));
        Console.Error.WriteLine("Run: dotnet run --project tools/RxKafka.MessageGen");
        return 1;
    }

    Console.WriteLine(check ? "Generated messages are up to date." : $"Generated messages written ({differences.Count} files changed).");
    return 0;
}
catch (Exception e) when (e is FormatException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine("rxkafka-messagegen: " + e.Message);
    return 2;
}
