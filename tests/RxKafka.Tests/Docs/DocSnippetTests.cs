// Every ```csharp block in docs/*.md is compiled here with Roslyn, against the assemblies this test
// project runs with (the framework, RxKafka, RxKafka.Testing, System.Reactive,
// Microsoft.Reactive.Testing, xunit), so the documentation cannot drift from the API. The convention:
//
// - A block that declares a type or a namespace is a whole file. It is compiled as it stands, with
//   only the usings a .NET project and an xunit v3 test project have implicitly (System,
//   System.Collections.Generic, System.IO, System.Linq, System.Net.Http, System.Threading,
//   System.Threading.Tasks, Xunit): it shows its other using directives.
// - Any other block is a fragment: its statements become the body of an async method, so `await`
//   works, with the usings of DocSnippets.FragmentUsings too (System.Reactive.Linq,
//   System.Reactive.Threading.Tasks, Microsoft.Reactive.Testing, RxKafka, RxKafka.Cluster,
//   RxKafka.Network, RxKafka.Protocol, RxKafka.Protocol.Messages, RxKafka.Testing,
//   RxKafka.Testing.Network, ...). Using directives at the
//   top of a fragment are moved out of the method.
// - Names that a fragment uses without declaring them are the method's parameters, written in an
//   HTML comment on the line just before the fence, which Markdown does not show:
//       <!-- snippet: KafkaClient client, IScheduler scheduler -->
//   <!-- snippet: skip --> leaves a block out; the text should say why.
//
// A block that does not compile fails its own test case, named by file and line, with Roslyn's
// errors at the document's lines. Examples that must also run are copied into tests in this folder
// between "// doc copy: file.md" and "// end of doc copy"; a test checks that each copy still
// appears, line for line, in a block of that document.

namespace RxKafka.Tests.Docs;

public sealed class DocSnippetTests
{
    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in DocSnippets.All())
        {
            data.Add(block.File, block.Line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Every_csharp_block_in_the_docs_compiles(string file, int line)
    {
        var block = DocSnippets.All().Single(b => b.File == file && b.Line == line);
        if (block.Skip)
        {
            Assert.Skip($"{file}:{line} is marked <!-- snippet: skip -->");
        }

        var errors = DocSnippets.Compile(block);

        Assert.True(
            errors.Count == 0,
            $"The C# block at docs/{file}:{line} does not compile:\n{string.Join("\n", errors)}\n\n"
            + string.Join("\n", block.Code.Split('\n').Select((text, i) => $"{line + i,5}  {text}")));
    }

    [Fact]
    public void The_docs_have_csharp_blocks_and_every_snippet_comment_sits_on_a_block()
    {
        var blocks = DocSnippets.All();
        foreach (var doc in new[] { "getting-started.md", "cluster-change-streams.md", "testing-in-virtual-time.md" })
        {
            Assert.Contains(blocks, b => b.File == doc);
        }

        Assert.Empty(Directory.GetFiles(DocSnippets.DocsFolder, "*.md").SelectMany(DocSnippets.StrayDirectives));
    }

    [Fact]
    public void The_convention_reports_a_broken_block_at_its_document_line()
    {
        var broken = new DocBlock("example.md", 40, "using RxKafka;\n\nvar snapshot = client.Snapshot;\nsnapshot.NoSuchQuery();", "KafkaClient client");

        var errors = DocSnippets.Compile(broken);

        Assert.Equal("docs/example.md:43:10: CS1061", string.Join(" ", Assert.Single(errors).Split(' ').Take(2)));
    }

    [Fact]
    public void The_copies_of_doc_examples_in_tests_are_still_in_the_docs()
    {
        var folder = Path.Combine(Path.GetDirectoryName(DocSnippets.DocsFolder)!, "tests", "RxKafka.Tests", "Docs");
        var copies = Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal)
            .SelectMany(path => DocSnippets.Copies(path).Select(c => (Source: Path.GetFileName(path), c.Doc, c.Line, c.Lines)))
            .ToList();
        Assert.Contains(copies, c => c.Doc == "cluster-change-streams.md");
        Assert.Contains(copies, c => c.Doc == "testing-in-virtual-time.md");

        var missing = copies
            .Where(c => !DocSnippets.AppearsIn(c.Lines, DocSnippets.Blocks(Path.Combine(DocSnippets.DocsFolder, c.Doc))))
            .Select(c => $"{c.Source}:{c.Line}: this copy is not in docs/{c.Doc} any more:\n{string.Join("\n", DocSnippets.Dedent(c.Lines))}")
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n\n", missing));
    }
}
