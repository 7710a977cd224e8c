using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace RxKafka.Cli.Rendering;

/// <summary>
/// The progress of a long run until it ends: a progress bar on a terminal, a plain line every
/// second anywhere else (a pipe, a file, a CI log).
/// </summary>
internal static class RunProgress
{
    private static readonly TimeSpan BarRefresh = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> <paramref name="what"/> until <paramref name="run"/> ends, then awaits it.</summary>
    public static async Task ShowAsync(IAnsiConsole console, Task run, Func<long> done, long total, string what)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Describe(0, total, what), maxValue: total);
                    while (!run.IsCompleted)
                    {
                        await Task.WhenAny(run, Task.Delay(BarRefresh));
                        var now = done();
                        task.Value = now;
                        task.Description = Describe(now, total, what);
                    }
                });
        }
        else
        {
            var clock = Stopwatch.StartNew();
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(LineInterval));
                if (!run.IsCompleted)
                {
                    console.WriteLine(Line(done(), total, what, clock.Elapsed));
                }
            }
        }

        await run;
    }

    /// <summary>"  312,000 of 1,000,000 records delivered (31%) after 1.0 s".</summary>
    public static string Line(long done, long total, string what, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"  {done:N0} of {total:N0} {what} ({(total == 0 ? 100 : 100.0 * done / total):0}%) after {elapsed.TotalSeconds:0.0} s");

    private static string Describe(long done, long total, string what) =>
        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{done:N0} of {total:N0} {what}"));
}
