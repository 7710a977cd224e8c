using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RxKafka.Network;
using RxKafka.Network.Transports;

namespace RxKafka.Tests.Network;

/// <summary>C1 (TCP connect, failures), C12 (socket options), S2 (liveness options); real loopback sockets.</summary>
public sealed class SocketTransportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task C1_bytes_flow_both_ways_through_the_pipes()
    {
        using var server = new Loopback();
        var factory = new SocketTransportFactory();

        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        await using var transport = await connecting.WaitAsync(Loopback.Timeout, Token);
        await using var peerStream = new NetworkStream(peer, ownsSocket: false);

        // Broker to client first, then a large echo that spans many pipe segments.
        await peerStream.WriteAsync(new byte[] { 0, 0, 0, 3, 7, 8, 9 }, Token);
        Assert.Equal(new byte[] { 0, 0, 0, 3, 7, 8, 9 }, await Loopback.ReadExactlyAsync(transport.Input, 7));

        var echo = Loopback.EchoAsync(peerStream);
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        Assert.Equal(payload, await Loopback.RoundTripAsync(transport, payload));

        Assert.Equal($"tcp://127.0.0.1:{server.Port}", transport.Description);
    }

    [Fact]
    public async Task C1_a_host_name_is_resolved_and_each_address_tried_in_turn()
    {
        // The listener is on 127.0.0.1 only: if "localhost" resolves to ::1 first, that address is
        // refused and the next one must be tried (client.dns.lookup=use_all_dns_ips).
        using var server = new Loopback();
        var factory = new SocketTransportFactory();

        var connecting = factory.ConnectAsync(new BrokerEndpoint("localhost", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        await using var transport = await connecting.WaitAsync(Loopback.Timeout, Token);
        await using var peerStream = new NetworkStream(peer, ownsSocket: false);
        _ = Loopback.EchoAsync(peerStream);

        Assert.Equal("hello"u8.ToArray(), await Loopback.RoundTripAsync(transport, "hello"u8.ToArray()));
        Assert.Equal($"tcp://localhost:{server.Port}", transport.Description);
    }

    [Fact]
    public async Task C1_a_closed_port_is_refused()
    {
        var port = Loopback.ClosedPort();
        var factory = new SocketTransportFactory();

        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

        Assert.Equal("127.0.0.1", error.Host);
        Assert.Equal(port, error.Port);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(error.InnerException);
        Assert.True(error.IsRetriable);
    }

    [Fact]
    public async Task C1_the_connect_timeout_runs_on_the_options_scheduler()
    {
        // Same silent peer; the one-hour timeout passes in virtual time, so the failure comes at once.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            Assert.SkipUnless(await FillAcceptQueueAsync(port, fillers), "The OS never stopped accepting connections to a full accept queue.");
            var scheduler = new Microsoft.Reactive.Testing.TestScheduler();
            var factory = new SocketTransportFactory(new SocketOptions { ConnectTimeout = TimeSpan.FromHours(1), Scheduler = scheduler });
            var connect = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", port), Token).AsTask();
            scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);

            var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => connect.WaitAsync(Loopback.Timeout, Token));
            Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task C1_a_silent_peer_times_out_within_the_connect_timeout()
    {
        // A listener whose accept queue is full drops SYNs, so a connect hangs as it would towards
        // an unroutable address (outbound addresses such as 10.255.255.1 may be answered by a proxy
        // in sandboxes, so they prove nothing).
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            Assert.SkipUnless(await FillAcceptQueueAsync(port, fillers), "The OS never stopped accepting connections to a full accept queue.");
            var factory = new SocketTransportFactory(new SocketOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) });

            var error = await Assert.ThrowsAsync<KafkaConnectionException>(
                () => factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", port), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

            Assert.Equal("127.0.0.1", error.Host);
            Assert.Equal(port, error.Port);
            Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
            Assert.Contains("timed out after 200 ms", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task C1_an_unroutable_address_fails_within_the_connect_timeout()
    {
        // Where 10.255.255.1 really swallows SYNs this times out; where there is no route it fails
        // at once; where a proxy answers for every address it connects, which proves nothing.
        var factory = new SocketTransportFactory(new SocketOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        IKafkaTransport? transport = null;
        try
        {
            transport = await factory.ConnectAsync(new BrokerEndpoint("10.255.255.1", 9092), Token).AsTask().WaitAsync(Loopback.Timeout, Token);
        }
        catch (KafkaConnectionException error)
        {
            Assert.Equal("10.255.255.1", error.Host);
            Assert.Equal(9092, error.Port);
            Assert.Contains("10.255.255.1:9092", error.Message, StringComparison.Ordinal);
        }

        if (transport is not null)
        {
            await transport.DisposeAsync();
            Assert.Skip("Something on this network accepts connections to 10.255.255.1.");
        }
    }

    private static async Task<bool> FillAcceptQueueAsync(int port, List<Socket> fillers)
    {
        for (var i = 0; i < 8; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            fillers.Add(socket);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), wait.Token);
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task C1_caller_cancellation_is_not_a_connection_failure()
    {
        var factory = new SocketTransportFactory(new SocketOptions { ConnectTimeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => factory.ConnectAsync(new BrokerEndpoint("10.255.255.1", 9092), cancel.Token).AsTask().WaitAsync(Loopback.Timeout, Token));
    }

    [Fact]
    public async Task C1_an_unknown_host_is_a_DNS_failure()
    {
        var factory = new SocketTransportFactory(new SocketOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });

        // .invalid never resolves (RFC 6761); without DNS at all the lookup fails or times out.
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(
            () => factory.ConnectAsync(new BrokerEndpoint("no-such-broker.invalid", 9092), Token).AsTask().WaitAsync(Loopback.Timeout, Token));

        Assert.Equal("no-such-broker.invalid", error.Host);
        Assert.Contains("no-such-broker.invalid:9092", error.Message, StringComparison.Ordinal);
        Assert.Contains("DNS lookup of 'no-such-broker.invalid'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C1_Dispose_closes_the_connection_and_completes_the_pipes()
    {
        using var server = new Loopback();
        var factory = new SocketTransportFactory();
        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        var transport = await connecting.WaitAsync(Loopback.Timeout, Token);

        // A read pending when the transport is disposed ends instead of hanging.
        var pendingRead = transport.Input.ReadAsync(Token).AsTask();
        await transport.DisposeAsync();
        await transport.DisposeAsync(); // idempotent

        var read = await pendingRead.WaitAsync(Loopback.Timeout, Token);
        Assert.True(read.IsCanceled || read.IsCompleted);
        Assert.Equal(0, await peer.ReceiveAsync(new byte[16], SocketFlags.None, Token).AsTask().WaitAsync(Loopback.Timeout, Token));
        Assert.Throws<InvalidOperationException>(() => transport.Output.GetMemory());
    }

    [Fact]
    public async Task C1_a_peer_close_completes_the_input()
    {
        using var server = new Loopback();
        var factory = new SocketTransportFactory();
        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        var peer = await server.AcceptAsync();
        await using var transport = await connecting.WaitAsync(Loopback.Timeout, Token);

        await peer.SendAsync(new byte[] { 1, 2 }, SocketFlags.None, Token);
        peer.Shutdown(SocketShutdown.Both);
        peer.Dispose();

        Assert.Equal(new byte[] { 1, 2 }, await Loopback.ReadExactlyAsync(transport.Input, 2));
        await Assert.ThrowsAsync<EndOfStreamException>(() => Loopback.ReadExactlyAsync(transport.Input, 1));
    }

    [Fact]
    public async Task C12_S2_socket_options_are_set_on_the_socket()
    {
        using var server = new Loopback();
        var options = new SocketOptions
        {
            KeepAliveTime = TimeSpan.FromSeconds(45),
            KeepAliveInterval = TimeSpan.FromSeconds(7),
            KeepAliveRetryCount = 4,
            SendBufferSize = 64 * 1024,
            ReceiveBufferSize = 64 * 1024,
            TcpUserTimeout = TimeSpan.FromSeconds(20),
        };
        var factory = new SocketTransportFactory(options);
        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        await using var transport = (PipeTransport)await connecting.WaitAsync(Loopback.Timeout, Token);
        var socket = transport.Socket;

        Assert.True(socket.NoDelay);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.True(transport.AppliedOptions.HasFlag(AppliedSocketOptions.NoDelay | AppliedSocketOptions.KeepAlive));
        Assert.True(transport.AppliedOptions.HasFlag(AppliedSocketOptions.SendBufferSize | AppliedSocketOptions.ReceiveBufferSize));
        // Linux reports twice the requested size (the kernel's bookkeeping share); others report it as is.
        Assert.InRange(socket.SendBufferSize, 64 * 1024, 2 * 64 * 1024);
        Assert.InRange(socket.ReceiveBufferSize, 64 * 1024, 2 * 64 * 1024);

        Assert.SkipUnless(OperatingSystem.IsLinux(), "Keepalive timings and TCP_USER_TIMEOUT are read back on Linux only.");
        Assert.Equal(
            AppliedSocketOptions.NoDelay | AppliedSocketOptions.KeepAlive | AppliedSocketOptions.KeepAliveTime | AppliedSocketOptions.KeepAliveInterval
                | AppliedSocketOptions.KeepAliveRetryCount | AppliedSocketOptions.SendBufferSize | AppliedSocketOptions.ReceiveBufferSize | AppliedSocketOptions.TcpUserTimeout,
            transport.AppliedOptions);
        Assert.Equal(45, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(7, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(4, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        Assert.Equal(20_000u, ReadTcpUserTimeout(socket));
    }

    [Fact]
    public async Task C12_the_defaults_keep_the_OS_buffer_sizes_and_no_user_timeout()
    {
        using var server = new Loopback();
        var factory = new SocketTransportFactory();
        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        await using var transport = (PipeTransport)await connecting.WaitAsync(Loopback.Timeout, Token);

        Assert.True(transport.Socket.NoDelay);
        Assert.False(transport.AppliedOptions.HasFlag(AppliedSocketOptions.SendBufferSize));
        Assert.False(transport.AppliedOptions.HasFlag(AppliedSocketOptions.ReceiveBufferSize));
        Assert.False(transport.AppliedOptions.HasFlag(AppliedSocketOptions.TcpUserTimeout));

        Assert.SkipUnless(OperatingSystem.IsLinux(), "Keepalive timings and TCP_USER_TIMEOUT are read back on Linux only.");
        Assert.Equal(30, (int)transport.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(10, (int)transport.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(9, (int)transport.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        Assert.Equal(0u, ReadTcpUserTimeout(transport.Socket));
    }

    [Fact]
    public async Task C12_NoDelay_and_KeepAlive_can_be_turned_off()
    {
        using var server = new Loopback();
        var factory = new SocketTransportFactory(new SocketOptions { NoDelay = false, KeepAlive = false });
        var connecting = factory.ConnectAsync(new BrokerEndpoint("127.0.0.1", server.Port), Token).AsTask();
        using var peer = await server.AcceptAsync();
        await using var transport = (PipeTransport)await connecting.WaitAsync(Loopback.Timeout, Token);

        Assert.False(transport.Socket.NoDelay);
        Assert.Equal(0, (int)transport.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.False(transport.AppliedOptions.HasFlag(AppliedSocketOptions.KeepAliveTime));
    }

    [Fact]
    public void C12_options_reject_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { ConnectTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { KeepAliveTime = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { KeepAliveRetryCount = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { SendBufferSize = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { TcpUserTimeout = TimeSpan.Zero });
        Assert.Null(new SocketOptions { TcpUserTimeout = null }.TcpUserTimeout);
    }

    private static uint ReadTcpUserTimeout(Socket socket)
    {
        Span<byte> value = stackalloc byte[4];
        Assert.Equal(4, socket.GetRawSocketOption(6, 18, value));
        return MemoryMarshal.Read<uint>(value);
    }
}
