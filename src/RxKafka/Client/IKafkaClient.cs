using RxKafka.Cluster;
using RxKafka.Protocol.Messages;

namespace RxKafka.Client;

/// <summary>
/// What an application does with a client of a Kafka cluster: watch the cluster, ask for fresh
/// metadata, send requests. <see cref="KafkaClient"/> is the one that talks to Kafka; code that takes
/// this interface can be given a fake in its own tests (every type here can be made without a broker:
/// <see cref="ClusterSnapshot.FromBootstrap"/>, <see cref="ClusterSnapshot.Apply"/>, the request and
/// response classes).
/// </summary>
public interface IKafkaClient : IAsyncDisposable
{
    /// <summary>The current view of the cluster: brokers, controller, topics and their leaders (M1, M5).</summary>
    ClusterSnapshot Snapshot { get; }

    /// <summary>The current snapshot at once, then each new one (M3); completes when the client is disposed.</summary>
    IObservable<ClusterSnapshot> Snapshots { get; }

    /// <summary>Typed changes between consecutive snapshots (M4): brokers, controller, topics, leaders, ISRs, coordinators. Hot.</summary>
    IObservable<ClusterChange> Changes { get; }

    /// <summary>
    /// Asks for a metadata update now (K3). Hot: the update is requested on the call; the result emits
    /// the snapshot of the next update that starts after the call and completes, or fails when no
    /// broker answered.
    /// </summary>
    IObservable<ClusterSnapshot> ForceMetadataUpdate();

    /// <summary>Sends <paramref name="request"/> to broker <paramref name="nodeId"/> and completes with its response (K9).</summary>
    /// <typeparam name="TResponse">The response type of the request.</typeparam>
    /// <param name="nodeId">The broker's node id, as in <see cref="Snapshot"/>.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting for the response.</param>
    Task<TResponse> SendAsync<TResponse>(int nodeId, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse;

    /// <summary>Sends <paramref name="request"/> to the leader of <paramref name="partition"/> as the current snapshot knows it.</summary>
    /// <typeparam name="TResponse">The response type of the request.</typeparam>
    /// <param name="partition">The partition whose leader gets the request.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting for the response.</param>
    Task<TResponse> SendToLeaderAsync<TResponse>(TopicPartition partition, KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse;

    /// <summary>Sends <paramref name="request"/> to any broker that can be reached (metadata, admin requests).</summary>
    /// <typeparam name="TResponse">The response type of the request.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting for the response.</param>
    Task<TResponse> SendToAnyBrokerAsync<TResponse>(KafkaRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : KafkaResponse;
}
