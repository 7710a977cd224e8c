using RxKafka.Client;

namespace RxKafka.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, checked on the compiled library: a type may use the types of its
/// own layer and of the layers below it, never of one above or beside it. Core (the root namespace) is
/// the bottom; Reactive holds internal operators every layer may use.
/// </summary>
public sealed class LayeringTests
{
    // Each layer and the layers it may use (itself and core always).
    private static readonly Dictionary<string, string[]> MayUse = new(StringComparer.Ordinal)
    {
        ["Core"] = [],
        ["Reactive"] = [],
        ["Protocol"] = [],
        ["Network"] = ["Protocol"],
        ["Cluster"] = ["Protocol"],
        ["Client"] = ["Protocol", "Network", "Cluster"],
        ["Serialization"] = [],
        ["Producer"] = ["Protocol", "Network", "Cluster", "Client", "Serialization"],
        ["Consumer"] = ["Protocol", "Network", "Cluster", "Client", "Serialization"],
        ["Transactions"] = ["Protocol", "Network", "Cluster", "Client", "Serialization", "Producer", "Consumer"],
    };

    [Fact]
    public void Every_namespace_of_the_library_belongs_to_a_layer()
    {
        var unplaced = typeof(KafkaClient).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("RxKafka", StringComparison.Ordinal) == true && Layer(t) is null)
            .Select(t => t.FullName)
            .ToList();

        Assert.True(unplaced.Count == 0, $"types outside every layer (add the namespace to LayeringTests): {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void No_layer_uses_a_layer_above_or_beside_it()
    {
        var violations = Violations(TypeDependencies.Of(typeof(KafkaClient).Assembly));

        Assert.True(violations.Count == 0, $"{violations.Count} uses across the layers:\n{string.Join("\n", violations)}");
    }

    [Fact]
    public void A_type_that_uses_a_layer_above_its_own_is_found()
    {
        // The check itself: Cluster naming the client, and core naming the producer, are what it must catch.
        var violations = Violations(
        [
            (typeof(RxKafka.Cluster.ClusterSnapshot), typeof(KafkaClient)),
            (typeof(TopicPartition), typeof(RxKafka.Producer.ProducerOptions)),
            (typeof(KafkaClient), typeof(RxKafka.Network.KafkaConnection)),
        ]);

        Assert.Equal(2, violations.Count);
    }

    /// <summary>The layer of a type: the first part of its namespace after <c>RxKafka</c>, or Core for the root.</summary>
    internal static string? Layer(Type type)
    {
        var ns = TypeDependencies.Outermost(type).Namespace;
        if (ns == "RxKafka")
        {
            return "Core";
        }

        if (ns is null || !ns.StartsWith("RxKafka.", StringComparison.Ordinal))
        {
            return null;
        }

        var layer = ns["RxKafka.".Length..].Split('.')[0];
        return MayUse.ContainsKey(layer) ? layer : null;
    }

    private static List<string> Violations(IEnumerable<(Type User, Type Used)> uses) => uses
        .Where(u => Layer(u.User) is { } user && Layer(u.Used) is { } used
            && used != user && used != "Core" && used != "Reactive" && !MayUse[user].Contains(used))
        .Select(u => $"{Layer(u.User)} -> {Layer(u.Used)}: {u.User.FullName} uses {u.Used.FullName}")
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();
}
