using System.Diagnostics;
using RxKafka.NotebookRunner;

// dotnet RxKafka.NotebookRunner.dll <notebook.ipynb> <executed.ipynb> [expression...]
//
// Runs the notebook's C# cells in order in Polyglot's C# kernel, writes the notebook with every cell's
// outputs to <executed.ipynb>, and, when every cell ran, evaluates each expression in the notebook's
// state. Prints what the cells show, then one line per expression ("=> <expression> = <value>") and
// a last line: "ok" or "failed: <notebook> cell <index> (<first line>) ...". Exit code 0 when every
// cell ran, 1 when one failed, 2 for wrong arguments.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: RxKafka.NotebookRunner <notebook.ipynb> <executed.ipynb> [expression...]");
    return 2;
}

// A cell with #r "nuget: ..." restores packages (a dotnet restore, slow on a cold cache); every wait
// inside the notebooks has its own timeout of 20 s or less, so the others only catch a hang.
var restoreTimeout = TimeSpan.FromMinutes(8);
var cellTimeout = TimeSpan.FromMinutes(2);

var (input, executed) = (args[0], args[1]);
var name = Path.GetFileName(input);
var document = NotebookDocuments.Read(input);
var clock = Stopwatch.StartNew();
using var kernel = new NotebookKernel();
var failed = await kernel.RunAsync(
    name,
    document,
    index => document.Elements[index].Contents.Contains("#r \"nuget:", StringComparison.Ordinal) ? restoreTimeout : cellTimeout,
    Console.WriteLine,
    CancellationToken.None);
NotebookDocuments.Write(document, executed);
Console.WriteLine($"{name}: ran in {clock.Elapsed.TotalSeconds:0.0} s; executed copy: {executed}");
if (failed is not null)
{
    Console.WriteLine($"failed: {failed}");
    return 1;
}

foreach (var expression in args.Skip(2))
{
    Console.WriteLine($"=> {expression.ReplaceLineEndings(" ")} = {(await kernel.EvaluateAsync(expression, CancellationToken.None)).ReplaceLineEndings(" ")}");
}

Console.WriteLine("ok");
return 0;
