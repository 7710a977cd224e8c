using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Client;

namespace RxKafka.Network;

// A connection of its own, outside a client's pool, configured the one public way: KafkaClientOptions.
// Kept in its own file so that the connection's internals can change without touching this face.
public sealed partial class KafkaConnection
{
    /// <summary>
    /// Opens a connection to <paramref name="endpoint"/> outside any client and negotiates API versions
    /// (C1, C2), then authenticates when <see cref="KafkaClientOptions.SecurityProtocol"/> says SASL (C3).
    /// Its settings are the client's, derived the way a <see cref="KafkaClient"/> derives them for its pool:
    /// <c>client.id</c>, <c>request.timeout.ms</c>, <c>connections.max.idle.ms</c>,
    /// <c>socket.connection.setup.timeout.ms</c>, <c>rxkafka.connection.setup.timeout.ms</c>,
    /// <c>receive.message.max.bytes</c>, the SASL and TLS settings, the transport factory, the logger
    /// and the scheduler. <see cref="KafkaClientOptions.BootstrapServers"/> is not needed.
    /// </summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="options">The settings; defaults (plain TCP) when <see langword="null"/>.</param>
    /// <returns>A cold observable: each subscription connects once and yields a ready connection.</returns>
    /// <exception cref="KafkaConfigException">The options are not valid; the message names the setting.</exception>
    public static IObservable<KafkaConnection> Connect(BrokerEndpoint endpoint, KafkaClientOptions? options = null) =>
        Observable.Defer(() =>
        {
            var settings = options ?? new KafkaClientOptions();
            settings.ValidateSettings();
            return Connect(endpoint, settings.CreateTransportFactory(), settings.ToConnectionOptions());
        });

    /// <summary>Opens and negotiates a connection of its own; see <see cref="Connect(BrokerEndpoint, KafkaClientOptions?)"/>.</summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="options">The settings; defaults (plain TCP) when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="KafkaConfigException">The options are not valid; the message names the setting.</exception>
    public static Task<KafkaConnection> ConnectAsync(BrokerEndpoint endpoint, KafkaClientOptions? options = null, CancellationToken cancellationToken = default) =>
        Connect(endpoint, options).ToTask(cancellationToken);
}
