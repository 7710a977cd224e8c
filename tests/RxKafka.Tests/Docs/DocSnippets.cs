using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RxKafka.Client;

namespace RxKafka.Tests.Docs;

/// <summary>One <c>```csharp</c> block of a document in docs/.</summary>
/// <param name="File">The document's file name, e.g. <c>getting-started.md</c>.</param>
/// <param name="Line">The 1-based line of the block's first line of code.</param>
/// <param name="Code">The code, without the fences (and without the fence's indentation).</param>
/// <param name="Directive">What the <c>&lt;!-- snippet: ... --&gt;</c> comment on the line before the fence says, or null.</param>
internal sealed record DocBlock(string File, int Line, string Code, string? Directive)
{
    /// <summary>Whether the block is left out of compilation (<c>&lt;!-- snippet: skip --&gt;</c>).</summary>
    public bool Skip => Directive is "skip";

    /// <summary>The parameters of the method a fragment becomes (the directive), or none.</summary>
    public string Parameters => Directive is null or "skip" ? "" : Directive;
}

/// <summary>
/// Finds the C# blocks of docs/*.md and compiles them with Roslyn; the convention is described at
/// the top of <see cref="DocSnippetTests"/>.
/// </summary>
internal static partial class DocSnippets
{
    /// <summary>What a new .NET project and an xunit v3 test project have without a using directive.</summary>
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks", "Xunit",
    ];

    /// <summary>What fragments see besides <see cref="ImplicitUsings"/>.</summary>
    private static readonly string[] FragmentUsings =
    [
        "System.Net.Security", "System.Reactive", "System.Reactive.Concurrency", "System.Reactive.Linq",
        "System.Reactive.Threading.Tasks", "Microsoft.Reactive.Testing", "RxKafka", "RxKafka.Client", "RxKafka.Cluster", "RxKafka.Network",
        "RxKafka.Network.Transports", "RxKafka.Producer", "RxKafka.Protocol",
        "RxKafka.Protocol.Messages", "RxKafka.Testing", "RxKafka.Testing.Network", "RxKafka.Testing.MockCluster",
        "RxKafka.Testing.Kerberos",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The repository's docs/ folder.</summary>
    public static string DocsFolder { get; } = Path.Combine(RxKafka.MessageGen.Generator.FindRepositoryRoot(AppContext.BaseDirectory), "docs");

    /// <summary>Every C# block of every document in docs/, in file and line order.</summary>
    public static IReadOnlyList<DocBlock> All() =>
        Directory.GetFiles(DocsFolder, "*.md").Order(StringComparer.Ordinal).SelectMany(Blocks).ToList();

    /// <summary>The C# blocks of one document.</summary>
    public static IReadOnlyList<DocBlock> Blocks(string path)
    {
        var file = Path.GetFileName(path);
        var lines = File.ReadAllLines(path);
        var blocks = new List<DocBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            var indent = fence.Groups["indent"].Length;
            var end = i + 1;
            while (end < lines.Length && lines[end].Trim() != fence.Groups["ticks"].Value)
            {
                end++;
            }

            if (fence.Groups["lang"].Value is "csharp" or "cs" or "c#")
            {
                var code = string.Join("\n", lines[(i + 1)..end].Select(l => l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l.TrimStart()));
                var directive = i > 0 && Directive().Match(lines[i - 1]) is { Success: true } d ? d.Groups["text"].Value.Trim() : null;
                blocks.Add(new DocBlock(file, i + 2, code, directive));
            }

            i = end;
        }

        return blocks;
    }

    /// <summary>
    /// The <c>&lt;!-- snippet: ... --&gt;</c> comments that are not on the line just before a C# block,
    /// as "file:line", so that a misplaced one is not silently ignored.
    /// </summary>
    public static IReadOnlyList<string> StrayDirectives(string path)
    {
        var lines = File.ReadAllLines(path);
        var stray = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Directive().IsMatch(lines[i]) && (i + 1 >= lines.Length || Fence().Match(lines[i + 1]) is not { Success: true } f
                || f.Groups["lang"].Value is not ("csharp" or "cs" or "c#")))
            {
                stray.Add($"{Path.GetFileName(path)}:{i + 1}");
            }
        }

        return stray;
    }

    /// <summary>Compiles a block; returns its errors as "docs/file.md:line:column: id message" (none when it compiles).</summary>
    public static IReadOnlyList<string> Compile(DocBlock block)
    {
        var docPath = "docs/" + block.File;
        var parsed = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(block.Code, ParseOptions).GetRoot();
        var isFile = parsed.Members.Any(m => m is not GlobalStatementSyntax);
        var hasStatements = parsed.Members.Any(m => m is GlobalStatementSyntax);
        var source = new StringBuilder();
        foreach (var name in isFile ? ImplicitUsings : ImplicitUsings.Concat(FragmentUsings))
        {
            source.Append("global using ").Append(name).Append(";\n");
        }

        if (isFile)
        {
            // A whole file, as it stands (top-level statements beside types make it a program).
            source.Append($"#line {block.Line} \"{docPath}\"\n").Append(block.Code).Append('\n');
        }
        else
        {
            // A fragment: its using directives go to the top, its statements into an async method.
            var codeLines = block.Code.Split('\n');
            foreach (var directive in parsed.Usings)
            {
                var first = directive.GetLocation().GetLineSpan().StartLinePosition.Line;
                var last = directive.GetLocation().GetLineSpan().EndLinePosition.Line;
                source.Append($"#line {block.Line + first} \"{docPath}\"\n");
                for (var l = first; l <= last; l++)
                {
                    source.Append(codeLines[l]).Append('\n');
                    codeLines[l] = "";
                }
            }

            source.Append("#line default\n")
                .Append("internal static class DocSnippet\n{\n")
                .Append($"    internal static async Task RunAsync({block.Parameters})\n    {{\n")
                .Append($"#line {block.Line} \"{docPath}\"\n")
                .Append(string.Join("\n", codeLines)).Append('\n')
                .Append("#line default\n    }\n}\n");
        }

        var tree = CSharpSyntaxTree.ParseText(source.ToString(), ParseOptions, path: "DocSnippet.cs");
        var options = new CSharpCompilationOptions(
            isFile && hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create($"DocSnippet_{Path.GetFileNameWithoutExtension(block.File)}_{block.Line}", [tree], References.Value, options);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var at = d.Location.GetMappedLineSpan();
                return $"{at.Path}:{at.StartLinePosition.Line + 1}:{at.StartLinePosition.Character + 1}: {d.Id} {d.GetMessage()}";
            })
            .ToList();
    }

    /// <summary>
    /// The copies of documentation examples in a test source file: the lines between
    /// <c>// doc copy: file.md</c> and <c>// end of doc copy</c>, with the document they come from and
    /// the line of the marker.
    /// </summary>
    public static IReadOnlyList<(string Doc, int Line, string[] Lines)> Copies(string sourcePath)
    {
        var lines = File.ReadAllLines(sourcePath);
        var copies = new List<(string, int, string[])>();
        for (var i = 0; i < lines.Length; i++)
        {
            var start = CopyStart().Match(lines[i]);
            if (!start.Success)
            {
                continue;
            }

            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "// end of doc copy");
            if (end < 0)
            {
                throw new InvalidOperationException($"{Path.GetFileName(sourcePath)}:{i + 1}: '// doc copy' without '// end of doc copy'");
            }

            copies.Add((start.Groups["doc"].Value, i + 1, lines[(i + 1)..end]));
            i = end;
        }

        return copies;
    }

    /// <summary>Whether <paramref name="copy"/> is a run of whole lines of one of <paramref name="blocks"/>, indentation aside.</summary>
    public static bool AppearsIn(string[] copy, IEnumerable<DocBlock> blocks)
    {
        var wanted = Dedent(copy);
        foreach (var block in blocks)
        {
            var lines = block.Code.Split('\n');
            for (var start = 0; start + wanted.Length <= lines.Length; start++)
            {
                if (Dedent(lines[start..(start + wanted.Length)]).SequenceEqual(wanted))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The lines without their common indentation and without trailing spaces.</summary>
    public static string[] Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return lines.Select(l => (l.Trim().Length == 0 ? "" : l[indent..]).TrimEnd()).ToArray();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The framework and every assembly this test process may load (RxKafka, RxKafka.Testing,
        // System.Reactive, Microsoft.Reactive.Testing and the facades it is compiled against, xunit, ...):
        // the host's trusted platform assemblies, one per name.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(KafkaClient).Assembly.Location, typeof(RxKafka.Testing.Network.ScriptedCluster).Assembly.Location, typeof(Microsoft.Reactive.Testing.TestScheduler).Assembly.Location])
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(p => Path.GetFileName(p), StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    [GeneratedRegex(@"^(?<indent>\s*)(?<ticks>```+)\s*(?<lang>[^\s`]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--\s*snippet:(?<text>.*?)-->\s*$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"^\s*// doc copy: (?<doc>\S+\.md)\s*$")]
    private static partial Regex CopyStart();
}
