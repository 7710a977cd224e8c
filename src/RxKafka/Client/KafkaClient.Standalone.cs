using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxKafka.Network;

namespace RxKafka.Client;

// A broker connection of its own, outside any client's pool, configured the one public way: KafkaClientOptions.
// Here and not on KafkaConnection because the options are the Client layer's, and Network sees nothing above it.
public sealed partial class KafkaClient
{
    /// <summary>
    /// Opens a connection to one broker, <paramref name="endpoint"/>, outside any client, and negotiates API
    /// versions (C1, C2), then authenticates when <see cref="KafkaClientOptions.SecurityProtocol"/> says SASL (C3).
    /// Its settings are derived from <paramref name="options"/> the way a client derives them for its pool:
    /// <c>client.id</c>, <c>request.timeout.ms</c>, <c>connections.max.idle.ms</c>,
    /// <c>socket.connection.setup.timeout.ms</c>, <c>rxkafka.connection.setup.timeout.ms</c>,
    /// <c>receive.message.max.bytes</c>, the SASL and TLS settings, the transport factory, the logger
    /// and the scheduler. <see cref="KafkaClientOptions.BootstrapServers"/> is not needed. The connection
    /// is the advanced face: raw requests (<see cref="KafkaConnection.SendAsync"/>) and its
    /// <see cref="KafkaConnection.Frames"/>; dispose it when done.
    /// </summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="options">The settings; defaults (plain TCP) when <see langword="null"/>.</param>
    /// <returns>A cold observable: each subscription connects once and yields a ready connection.</returns>
    /// <exception cref="KafkaConfigException">The options are not valid; the message names the setting.</exception>
    public static IObservable<KafkaConnection> ConnectToBroker(BrokerEndpoint endpoint, KafkaClientOptions? options = null) =>
        Observable.Defer(() =>
        {
            var settings = options ?? new KafkaClientOptions();
            settings.ValidateSettings();
            return KafkaConnection.Connect(endpoint, settings.CreateTransportFactory(), settings.ToConnectionOptions());
        });

    /// <summary>Opens and negotiates a connection to one broker outside any client; see <see cref="ConnectToBroker"/>.</summary>
    /// <param name="endpoint">The broker.</param>
    /// <param name="options">The settings; defaults (plain TCP) when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="KafkaConfigException">The options are not valid; the message names the setting.</exception>
    public static Task<KafkaConnection> ConnectToBrokerAsync(BrokerEndpoint endpoint, KafkaClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectToBroker(endpoint, options).ToTask(cancellationToken);
}
