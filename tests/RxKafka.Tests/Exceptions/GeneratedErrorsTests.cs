using RxKafka.MessageGen;
using RxKafka.MessageGen.Errors;

namespace RxKafka.Tests.Exceptions;

// The error table (src/RxKafka/Exceptions/errors.tsv) is the one place error knowledge lives: the
// enum, the lookup, the exception mapping and docs/errors.md are generated from it and checked in.
public sealed class GeneratedErrorsTests
{
    private static readonly string Root = Generator.FindRepositoryRoot(AppContext.BaseDirectory);

    [Fact]
    public void Committed_generated_error_files_match_the_table()
    {
        var differences = ErrorGenerator.Run(Root, write: false);
        Assert.True(
            differences.Count == 0,
            "Generated error files are out of date (run `dotnet run --project tools/RxKafka.MessageGen`; never edit them by hand): " + string.Join(", ", differences));
    }

    [Fact]
    public void The_exception_list_names_every_public_exception_type_with_its_base()
    {
        var listed = ErrorTable.Load(Root).Exceptions.ToDictionary(e => e.Type, e => e.Base);
        var actual = typeof(KafkaException).Assembly.GetExportedTypes()
            .Where(t => typeof(KafkaException).IsAssignableFrom(t))
            .ToDictionary(t => t.Name, t => t.BaseType!.Name);

        Assert.Equal(actual.OrderBy(p => p.Key), listed.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_table_that_breaks_a_rule_is_refused_with_the_line()
    {
        var root = Directory.CreateTempSubdirectory("rxkafka-errors").FullName;
        try
        {
            var folder = Path.Combine(root, ErrorTable.Folder);
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(Root, ErrorTable.ExceptionsFile), Path.Combine(root, ErrorTable.ExceptionsFile));
            var lines = File.ReadAllLines(Path.Combine(Root, ErrorTable.ErrorsFile)).ToList();

            // NOT_LEADER_OR_FOLLOWER said not to be retriable: its invalid-metadata family disagrees.
            int row = lines.FindIndex(l => l.StartsWith("6\t", StringComparison.Ordinal));
            lines[row] = lines[row].Replace("\tyes\tyes\t", "\tno\tyes\t", StringComparison.Ordinal);
            File.WriteAllLines(Path.Combine(root, ErrorTable.ErrorsFile), lines);

            var e = Assert.Throws<FormatException>(() => ErrorTable.Load(root));
            Assert.Contains("NOT_LEADER_OR_FOLLOWER (6)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
