using System.Globalization;
using RxKafka.Cluster;
using Spectre.Console;

namespace RxKafka.Cli.Rendering;

/// <summary>
/// Writes the change stream, one timestamped line per event, the kind in a column of its own and
/// coloured: <c>12:00:03.512  LeaderChanged       leader of orders-0 moved 1 -> 2 (epoch 0 -> 1)</c>.
/// Changes, update outcomes and script steps arrive on different threads; lines never interleave.
/// </summary>
internal sealed class ChangeLog
{
    /// <summary>The kind column's width: the longest change type name and a space.</summary>
    private const int KindWidth = 23;

    private readonly IAnsiConsole _console;
    private readonly object _gate = new();

    public ChangeLog(IAnsiConsole console) => _console = console;

    /// <summary>One cluster change.</summary>
    public void Change(DateTimeOffset at, ClusterChange change) =>
        Write(at, change.GetType().Name, ColourOf(change), change.ToString());

    /// <summary>A metadata update's outcome: failures in red, others (when shown at all) dimmed.</summary>
    public void Update(MetadataUpdate update) =>
        Write(update.At, update.Succeeded ? "MetadataUpdate" : "MetadataUpdateFailed", update.Succeeded ? "grey" : "red bold", update.ToString());

    /// <summary>What the demo's script does to the cluster, so the changes that follow have a cause on screen.</summary>
    public void Step(DateTimeOffset at, string text) => Write(at, "script", "white bold", text);

    /// <summary>A remark that is neither a change nor a step (a coordinator lookup's answer, ...).</summary>
    public void Note(DateTimeOffset at, string text) => Write(at, "", "grey", text);

    /// <summary>The colour of a change's kind: green for what appears, red for what goes, yellow for moves.</summary>
    public static string ColourOf(ClusterChange change) => change switch
    {
        BrokerAdded or TopicAdded or PartitionsAdded => "green",
        BrokerRemoved or TopicRemoved or PartitionsRemoved => "red",
        LeaderChanged { Leader: < 0 } => "red",
        LeaderChanged => "yellow",
        ControllerChanged or BrokerEndpointChanged => "magenta",
        CoordinatorChanged => "fuchsia",
        IsrChanged or ReplicasChanged or OfflineReplicasChanged => "aqua",
        TopicErrorChanged => "orange1",
        _ => "default",
    };

    private void Write(DateTimeOffset at, string kind, string colour, string text)
    {
        var time = at.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        // One line per event, even for an error message with line breaks.
        var line = $"[grey]{time}[/]  [{colour}]{Markup.Escape(kind.PadRight(KindWidth))}[/]{Markup.Escape(Lines.One(text))}";
        lock (_gate)
        {
            _console.MarkupLine(line);
        }
    }
}
