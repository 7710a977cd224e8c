using System.Reactive.Concurrency;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace RxKafka.Network.Transports;

/// <summary>
/// Opens plain TCP connections to brokers. The host is resolved through DNS and every address is
/// tried in turn (Kafka's <c>client.dns.lookup=use_all_dns_ips</c>); the socket gets the
/// <see cref="SocketOptions"/> the operating system supports.
/// </summary>
internal sealed class SocketTransportFactory : IKafkaTransportFactory
{
    // Linux's <netinet/tcp.h>: IPPROTO_TCP and TCP_USER_TIMEOUT.
    private const int IpProtoTcp = 6;
    private const int TcpUserTimeoutOption = 18;

    /// <summary>Creates a factory with the given socket options.</summary>
    /// <param name="options">The socket options; <see cref="SocketOptions.Default"/> when <see langword="null"/>.</param>
    public SocketTransportFactory(SocketOptions? options = null)
    {
        Options = options ?? SocketOptions.Default;
    }

    /// <summary>The socket options every connection gets.</summary>
    public SocketOptions Options { get; }

    /// <inheritdoc/>
    /// <exception cref="KafkaConnectionException">
    /// The host could not be resolved, every address refused or could not be reached, or the connect
    /// timeout passed (<c>socket.connection.setup.timeout.ms</c>: the client's value when the client built
    /// this factory, else its 10 s default).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<IKafkaTransport> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = Options.Scheduler.Schedule(Options.ConnectTimeout, timeout.Cancel);
        var (socket, applied) = await ConnectSocketAsync(endpoint, Options, timeout.Token, cancellationToken).ConfigureAwait(false);
        return PipeTransport.OverSocket(socket, $"tcp://{endpoint}", applied);
    }

    /// <summary>
    /// Resolves <paramref name="endpoint"/> and connects to its addresses in turn until one answers.
    /// <paramref name="token"/> carries the connect timeout; <paramref name="callerToken"/> tells a
    /// caller's cancellation (rethrown as is) from the timeout (a <see cref="KafkaConnectionException"/>).
    /// </summary>
    internal static async ValueTask<(Socket Socket, AppliedSocketOptions Applied)> ConnectSocketAsync(
        BrokerEndpoint endpoint, SocketOptions options, CancellationToken token, CancellationToken callerToken)
    {
        var (host, port) = endpoint;
        var addresses = await ResolveAsync(endpoint, options, token, callerToken).ConfigureAwait(false);
        var failures = new List<(IPAddress Address, Exception Error)>(addresses.Length);
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // Before connecting: buffer sizes decide the TCP window scale offered in the SYN.
                var applied = Apply(socket, options);
                await socket.ConnectAsync(new IPEndPoint(address, port), token).ConfigureAwait(false);
                return (socket, applied);
            }
            catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
            {
                socket.Dispose();
                failures.Add((address, new TimeoutException($"timed out after {Describe(options.ConnectTimeout)}")));
                break;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failures.Add((address, e));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new KafkaConnectionException(host, port, DescribeFailures(failures, addresses.Length), failures[^1].Error);
    }

    private static async ValueTask<IPAddress[]> ResolveAsync(BrokerEndpoint endpoint, SocketOptions options, CancellationToken token, CancellationToken callerToken)
    {
        if (IPAddress.TryParse(endpoint.Host, out var literal))
        {
            return [literal];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(endpoint.Host, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new KafkaConnectionException(endpoint.Host, endpoint.Port, $"DNS lookup of '{endpoint.Host}' timed out after {Describe(options.ConnectTimeout)}");
        }
        catch (SocketException e)
        {
            throw new KafkaConnectionException(endpoint.Host, endpoint.Port, $"DNS lookup of '{endpoint.Host}' failed ({e.SocketErrorCode}: {e.Message}); check the host name", e);
        }

        if (addresses.Length == 0)
        {
            throw new KafkaConnectionException(endpoint.Host, endpoint.Port, $"DNS lookup of '{endpoint.Host}' returned no addresses");
        }

        return addresses;
    }

    /// <summary>Sets the options the OS supports; one the OS refuses is skipped, not fatal.</summary>
    internal static AppliedSocketOptions Apply(Socket socket, SocketOptions options)
    {
        var applied = AppliedSocketOptions.None;
        Try(AppliedSocketOptions.NoDelay, () => socket.NoDelay = options.NoDelay);
        Try(AppliedSocketOptions.KeepAlive, () => socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, options.KeepAlive));
        if (options.KeepAlive)
        {
            Try(AppliedSocketOptions.KeepAliveTime, () => socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, WholeSeconds(options.KeepAliveTime)));
            Try(AppliedSocketOptions.KeepAliveInterval, () => socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, WholeSeconds(options.KeepAliveInterval)));
            Try(AppliedSocketOptions.KeepAliveRetryCount, () => socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.KeepAliveRetryCount));
        }

        if (options.SendBufferSize > 0)
        {
            Try(AppliedSocketOptions.SendBufferSize, () => socket.SendBufferSize = options.SendBufferSize);
        }

        if (options.ReceiveBufferSize > 0)
        {
            Try(AppliedSocketOptions.ReceiveBufferSize, () => socket.ReceiveBufferSize = options.ReceiveBufferSize);
        }

        if (options.TcpUserTimeout is { } userTimeout && OperatingSystem.IsLinux())
        {
            Try(AppliedSocketOptions.TcpUserTimeout, () =>
            {
                // An unsigned int of milliseconds in host byte order.
                var milliseconds = (uint)Math.Ceiling(userTimeout.TotalMilliseconds);
                Span<byte> value = stackalloc byte[sizeof(uint)];
                MemoryMarshal.Write(value, in milliseconds);
                socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeoutOption, value);
            });
        }

        return applied;

        void Try(AppliedSocketOptions option, Action set)
        {
            try
            {
                set();
                applied |= option;
            }
            catch (Exception e) when (e is PlatformNotSupportedException or SocketException or NotSupportedException)
            {
                // Not available on this OS: the connection works without it.
            }
        }
    }

    private static int WholeSeconds(TimeSpan value) => (int)Math.Max(1, Math.Ceiling(value.TotalSeconds));

    internal static string Describe(TimeSpan value) =>
        value.TotalSeconds >= 1 && value.Milliseconds == 0 ? $"{value.TotalSeconds:0.###} s" : $"{value.TotalMilliseconds:0.###} ms";

    private static string DescribeFailures(List<(IPAddress Address, Exception Error)> failures, int addressCount)
    {
        if (failures.Count == 1 && addressCount == 1)
        {
            return Describe(failures[0].Error);
        }

        var text = new StringBuilder();
        text.Append($"none of its {addressCount} addresses accepted a connection: ");
        for (var i = 0; i < failures.Count; i++)
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(failures[i].Address).Append(' ').Append(Describe(failures[i].Error));
        }

        return text.ToString();
    }

    private static string Describe(Exception error) => error switch
    {
        TimeoutException t => t.Message,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused (is the broker running and listening on this port?)",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "timed out (the host did not answer)",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable } => "network unreachable",
        SocketException { SocketErrorCode: SocketError.HostUnreachable } => "host unreachable",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => "address not available",
        SocketException s => $"{s.SocketErrorCode}: {s.Message}",
        _ => error.Message,
    };
}
