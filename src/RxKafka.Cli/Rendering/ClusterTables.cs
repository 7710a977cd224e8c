using System.Globalization;
using RxKafka.Client;
using RxKafka.Cluster;
using Spectre.Console;

namespace RxKafka.Cli.Rendering;

/// <summary>The cluster as tables: its brokers, then every partition of every topic, then topics the broker reported with errors.</summary>
internal static class ClusterTables
{
    /// <summary>Writes <paramref name="snapshot"/>; with <paramref name="topics"/> only those topics.</summary>
    public static void Write(IAnsiConsole console, ClusterSnapshot snapshot, KafkaVersion? brokerVersion, IReadOnlySet<string>? topics = null)
    {
        var version = brokerVersion is { } v ? $"Kafka {v} (detected from ApiVersions)" : "unknown";
        var controller = snapshot.GetController() is { } c ? c.NodeId.ToString(CultureInfo.InvariantCulture)
            : snapshot.ControllerId >= 0 ? $"{snapshot.ControllerId} (not among the brokers)"
            : "unknown";
        console.MarkupLine(
            $"[bold]Cluster[/] {Markup.Escape(snapshot.ClusterId ?? "(no id)")}  [grey]controller[/] {controller}  [grey]broker version[/] {Markup.Escape(version)}");
        console.Write(Brokers(snapshot));
        var shown = snapshot.Topics.Values
            .Where(t => topics is null || topics.Contains(t.Name))
            .OrderBy(t => t.IsInternal)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        console.Write(Partitions(shown));
        WriteTopicErrors(console, snapshot, topics);
        if (snapshot.Coordinators.Count > 0)
        {
            foreach (var (key, node) in snapshot.Coordinators.OrderBy(c => c.Key.ToString(), StringComparer.Ordinal))
            {
                console.MarkupLine($"[grey]coordinator of[/] {Markup.Escape(key.ToString())}: broker {Markup.Escape(node.ToString())}");
            }
        }
    }

    private static Table Brokers(ClusterSnapshot snapshot)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Brokers")
            .AddColumn(new TableColumn("Id").RightAligned()).AddColumn("Host:port").AddColumn("Rack").AddColumn("Role");
        foreach (var broker in snapshot.GetBrokers())
        {
            table.AddRow(
                broker.NodeId.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(broker.Endpoint.ToString()),
                Markup.Escape(broker.Rack ?? "-"),
                broker.NodeId == snapshot.ControllerId ? "[bold]controller[/]" : "");
        }

        return table;
    }

    private static Table Partitions(IReadOnlyList<TopicMetadata> topics)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Topics")
            .AddColumn("Topic").AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Leader").RightAligned())
            .AddColumn(new TableColumn("Epoch").RightAligned()).AddColumn("Replicas").AddColumn("ISR").AddColumn("Offline").AddColumn("Error");
        foreach (var topic in topics)
        {
            var name = Markup.Escape(topic.Name) + (topic.IsInternal ? " [grey](internal)[/]" : "") + (topic.Error == ErrorCode.None ? "" : $" [red]{topic.Error}[/]");
            if (topic.Partitions.IsDefaultOrEmpty)
            {
                table.AddRow(name, "-", "-", "-", "", "", "", "");
                continue;
            }

            foreach (var p in topic.Partitions)
            {
                table.AddRow(
                    p.Partition == topic.Partitions[0].Partition ? name : "",
                    p.Partition.ToString(CultureInfo.InvariantCulture),
                    p.Leader >= 0 ? p.Leader.ToString(CultureInfo.InvariantCulture) : "[red]none[/]",
                    p.LeaderEpoch >= 0 ? p.LeaderEpoch.ToString(CultureInfo.InvariantCulture) : "-",
                    Nodes(p.Replicas),
                    Nodes(p.Isr),
                    p.OfflineReplicas.IsDefaultOrEmpty ? "" : $"[red]{Nodes(p.OfflineReplicas)}[/]",
                    p.Error == ErrorCode.None ? "" : $"[red]{p.Error}[/]");
            }
        }

        if (topics.Count == 0)
        {
            table.AddRow("(no topics)", "", "", "", "", "", "", "");
        }

        return table;
    }

    private static void WriteTopicErrors(IAnsiConsole console, ClusterSnapshot snapshot, IReadOnlySet<string>? topics)
    {
        var unauthorized = snapshot.UnauthorizedTopics.Where(t => topics is null || topics.Contains(t)).Order(StringComparer.Ordinal).ToList();
        if (unauthorized.Count > 0)
        {
            console.MarkupLine($"[red]Not authorized to describe:[/] {Markup.Escape(string.Join(", ", unauthorized))}");
        }

        foreach (var (topic, error) in snapshot.TopicErrors.Where(e => topics is null || topics.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            console.MarkupLine($"[red]Topic {Markup.Escape(topic)}:[/] {error}");
        }
    }

    /// <summary>Node ids as Kafka's tools print them: 1,2,3.</summary>
    private static string Nodes(System.Collections.Immutable.ImmutableArray<int> nodes) =>
        nodes.IsDefaultOrEmpty ? "" : string.Join(",", nodes);
}
