using RxKafka.Cluster;
using Spectre.Console;

namespace RxKafka.Cli.Rendering;

/// <summary>Counts what a demo or a watch saw, for the summary at the end: changes by kind, metadata updates by outcome and reason.</summary>
internal sealed class Tally
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<MetadataUpdateReason, (int Ok, int Failed)> _updates = [];

    /// <summary>Counts one change.</summary>
    public void Count(ClusterChange change)
    {
        lock (_gate)
        {
            _changes[change.GetType().Name] = _changes.GetValueOrDefault(change.GetType().Name) + 1;
        }
    }

    /// <summary>Counts one metadata update.</summary>
    public void Count(MetadataUpdate update)
    {
        lock (_gate)
        {
            var (ok, failed) = _updates.GetValueOrDefault(update.Reason);
            _updates[update.Reason] = update.Succeeded ? (ok + 1, failed) : (ok, failed + 1);
        }
    }

    /// <summary>How many changes of the kind <typeparamref name="TChange"/> were counted.</summary>
    public int Changes<TChange>()
        where TChange : ClusterChange
    {
        lock (_gate)
        {
            return _changes.GetValueOrDefault(typeof(TChange).Name);
        }
    }

    /// <summary>Writes the summary: a line per change kind, then the updates, with their reasons.</summary>
    public void Write(IAnsiConsole console, string title)
    {
        Dictionary<string, int> changes;
        Dictionary<MetadataUpdateReason, (int Ok, int Failed)> updates;
        lock (_gate)
        {
            changes = new(_changes, StringComparer.Ordinal);
            updates = new(_updates);
        }

        console.WriteLine();
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Changes by type").AddColumn(new TableColumn("Count").RightAligned());
        foreach (var (kind, count) in changes.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(kind), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (changes.Count == 0)
        {
            table.AddRow("(none)", "0");
        }

        console.Write(table);
        var ok = updates.Values.Sum(u => u.Ok);
        var failed = updates.Values.Sum(u => u.Failed);
        var reasons = string.Join(", ", updates.OrderBy(u => u.Key).Select(u => $"{u.Key} {u.Value.Ok}" + (u.Value.Failed > 0 ? $"/{u.Value.Failed} failed" : "")));
        console.MarkupLine($"Metadata updates: [green]{ok} ok[/], {(failed > 0 ? "[red]" : "[default]")}{failed} failed[/]" + (reasons.Length > 0 ? $" [grey]({Markup.Escape(reasons)})[/]" : ""));
    }
}
