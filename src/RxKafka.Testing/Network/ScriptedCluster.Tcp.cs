namespace RxKafka.Testing.Network;

// The TCP face: the cluster served on loopback listeners, for clients other than RxKafka.
public sealed partial class ScriptedCluster
{
    /// <summary>
    /// Serves the cluster over TCP: one listener per broker now in the cluster, on 127.0.0.1 at an ephemeral
    /// port, each broker moved to its listener's endpoint (<see cref="SetBrokerEndpoint"/>) so that Metadata
    /// advertises it; give <see cref="ScriptedTcpServer.BootstrapServers"/> to any Kafka client. Every socket
    /// is a connection to its broker as <see cref="ConnectAsync"/> makes one, with the same answers and faults;
    /// requests from many sockets at once are safe. Disposing the server closes the listeners and connections
    /// and moves the brokers back. Brokers added later are not served.
    /// </summary>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The cluster runs on a virtual-time scheduler, which nothing would advance while a peer client waits: make the cluster with a real-time one (<see cref="System.Reactive.Concurrency.DefaultScheduler.Instance"/>).</exception>
    public ScriptedTcpServer ServeTcp()
    {
        if (RxKafka.Reactive.SerialExecutor.IsVirtualTime(_scheduler))
        {
            throw new InvalidOperationException("A scripted cluster on a virtual-time scheduler cannot be served over TCP: nothing would advance its time while a peer client waits. Create it with DefaultScheduler.Instance.");
        }

        return ScriptedTcpServer.Start(this);
    }
}
