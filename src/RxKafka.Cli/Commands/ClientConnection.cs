using System.Reactive.Linq;
using RxKafka.Cli.Rendering;
using RxKafka.Client;
using RxKafka.Cluster;

namespace RxKafka.Cli.Commands;

/// <summary>What <c>metadata</c>, <c>watch</c> and <c>demo</c> do alike with a client: connect it, keep a connection to every broker, log its changes.</summary>
internal static class ClientConnection
{
    /// <summary>
    /// A bootstrapped client for <paramref name="config"/> (Kafka config names). With
    /// <paramref name="topics"/>, those topics are tracked and asked for by name, so one that does not
    /// exist shows with its error. Asking does not create a topic unless <c>allow.auto.create.topics</c> says so.
    /// </summary>
    /// <exception cref="KafkaConfigException">A setting is not valid.</exception>
    /// <exception cref="KafkaConnectionException">No bootstrap server answered.</exception>
    public static async Task<KafkaClient> ConnectAsync(Dictionary<string, string> config, IReadOnlyCollection<string> topics, CancellationToken cancellationToken)
    {
        // Looking must not create: the client's default (true) would make a topic of every typo.
        config.TryAdd("allow.auto.create.topics", "false");
        var client = await KafkaClient.ConnectAsync(KafkaClientOptions.FromConfig(config), cancellationToken);
        try
        {
            if (topics.Count > 0)
            {
                client.AddTopics(topics);
                if (topics.Any(t => !client.Snapshot.Topics.ContainsKey(t)))
                {
                    await client.ForceMetadataUpdateAsync(cancellationToken);
                }
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a connection to every broker now and to every broker that appears later. A broker that
    /// goes down then breaks a connection, and a broken connection makes the client update its
    /// metadata at once (K5) instead of at the next periodic update.
    /// </summary>
    public static IDisposable KeepConnectedToEveryBroker(KafkaClient client)
    {
        foreach (var broker in client.Snapshot.GetBrokers())
        {
            _ = ConnectQuietlyAsync(client, broker.NodeId);
        }

        return client.Cluster.Changes.OfType<BrokerAdded>().Subscribe(added => _ = ConnectQuietlyAsync(client, added.Broker.NodeId));
    }

    /// <summary>
    /// Prints every change and every failed metadata update from now on, and counts them; with
    /// <paramref name="topics"/>, only changes about those topics (and the brokers, controller and coordinators).
    /// </summary>
    public static IDisposable LogChanges(KafkaClient client, ChangeLog log, Tally tally, IReadOnlySet<string>? topics = null)
    {
        var changes = client.Cluster.ChangeSets
            .SelectMany(set => set.Changes.Select(change => (set.Current.UpdatedAt, Change: change)))
            .Where(c => topics is null || TopicOf(c.Change) is not { } topic || topics.Contains(topic))
            .Subscribe(c =>
            {
                tally.Count(c.Change);
                log.Change(c.UpdatedAt, c.Change);
            });
        var updates = client.Cluster.Updates.Subscribe(update =>
        {
            tally.Count(update);
            if (!update.Succeeded)
            {
                log.Update(update);
            }
        });
        return new System.Reactive.Disposables.CompositeDisposable(changes, updates);
    }

    /// <summary>The topic a change is about, or null for brokers, the controller and coordinators.</summary>
    public static string? TopicOf(ClusterChange change) => change switch
    {
        TopicAdded c => c.Topic,
        TopicRemoved c => c.Topic,
        TopicErrorChanged c => c.Topic,
        PartitionsAdded c => c.Topic,
        PartitionsRemoved c => c.Topic,
        LeaderChanged c => c.Topic,
        IsrChanged c => c.Topic,
        ReplicasChanged c => c.Topic,
        OfflineReplicasChanged c => c.Topic,
        _ => null,
    };

    private static async Task ConnectQuietlyAsync(KafkaClient client, int nodeId)
    {
        try
        {
            await client.GetConnectionAsync(nodeId);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or OperationCanceledException)
        {
            // Not reachable right now: the metadata will say so; nothing to keep warm.
        }
    }
}
