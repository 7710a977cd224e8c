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

    /// <summary>
    /// Shows how many of <paramref name="total"/> records were delivered and how many failed (apart: a
    /// failed record is not progress) until <paramref name="run"/> ends, then awaits it.
    /// </summary>
    public static async Task ShowAsync(IAnsiConsole console, Task run, Func<(long Delivered, long Failed)> outcome, long total)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Describe(0, 0, total), maxValue: total);
                    while (!run.IsCompleted)
                    {
                        await Task.WhenAny(run, Task.Delay(BarRefresh));
                        var (delivered, failed) = outcome();
                        task.Value = delivered;
                        task.Description = Describe(delivered, failed, total);
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
                    var (delivered, failed) = outcome();
                    console.WriteLine(Line(delivered, failed, total, clock.Elapsed));
                }
            }
        }

        await run;
    }

    /// <summary>"  312,000 of 1,000,000 records delivered (31%), 0 failed, after 1.0 s".</summary>
    public static string Line(long delivered, long failed, long total, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"  {delivered:N0} of {total:N0} records delivered ({Percent(delivered, total):0}%), {failed:N0} failed, after {elapsed.TotalSeconds:0.0} s");

    private static double Percent(long part, long total) => total == 0 ? 100 : 100.0 * part / total;

    private static string Describe(long delivered, long failed, long total) =>
        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{delivered:N0} of {total:N0} records delivered, {failed:N0} failed"));
}
